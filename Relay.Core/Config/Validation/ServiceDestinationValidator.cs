using Relay.Core.Net;

namespace Relay.Core.Config.Validation;

/// <summary>
/// Each destination (an endpoint, or an extra address on the service port) routes to one
/// service: the route table is keyed by destination, so a second claim would be silently lost.
/// </summary>
internal static class ServiceDestinationValidator
{
    public static void Validate(IReadOnlyList<ServiceConfig> services, ConfigErrorSink errors)
    {
        var claims = new Dictionary<NetEndpoint, (string Service, string KeyPath)>();
        foreach (var service in services)
        {
            foreach (var (destination, location) in Destinations(service))
            {
                var name = service.Name.Value;
                if (!claims.TryAdd(destination, (name, location.KeyPath)) && claims[destination].Service != name)
                {
                    var first = claims[destination];
                    errors.Add(location, $"destination {destination} is claimed by both service '{first.Service}' ({first.KeyPath}) and service '{name}'");
                }
            }
        }
    }

    private static IEnumerable<(NetEndpoint, ConfigLocation)> Destinations(ServiceConfig service)
    {
        foreach (var endpoint in service.EndpointAddresses?.Items ?? [])
        {
            yield return (endpoint.Value, endpoint.Location);
        }
        if (service.Port is not { } port || !PortClaim.Valid(port.Value))
        {
            yield break;
        }
        foreach (var address in service.Addresses?.Items ?? [])
        {
            yield return (new NetEndpoint(address.Value, port.Value), address.Location);
        }
    }
}
