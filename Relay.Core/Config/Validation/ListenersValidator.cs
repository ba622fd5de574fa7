using System.Net;
using Relay.Core.Net;
using Relay.Core.Vocabulary;

namespace Relay.Core.Config.Validation;

/// <summary>
/// listeners: unique bindable addresses, and a target that exists: outbound names a service in
/// <c>services</c>, inbound names a port in <c>inbound</c>; neither may point back at itself.
/// Collisions with Relay's other ports are checked by <see cref="PortCollisionValidator"/>.
/// </summary>
internal static class ListenersValidator
{
    public static void Validate(MeshFileConfig file, ConfigErrorSink errors)
    {
        var bound = new List<Located<NetEndpoint>>();
        foreach (var listener in file.Listeners)
        {
            if (listener.Address is { } address)
            {
                NotBoundTwice(address, bound, errors);
                bound.Add(address);
            }
            switch (listener.Direction?.Value)
            {
                case Direction.Outbound:
                    Outbound(listener, file.Services, errors);
                    break;
                case Direction.Inbound:
                    Inbound(listener, file.Inbound, errors);
                    break;
            }
        }
    }

    /// <summary>Linux refuses a second listening socket on an address:port, and on a port an unspecified address already holds.</summary>
    private static void NotBoundTwice(Located<NetEndpoint> address, List<Located<NetEndpoint>> bound, ConfigErrorSink errors)
    {
        var clash = bound.FirstOrDefault(b => b.Value.Port == address.Value.Port && b.Value.Family == address.Value.Family
            && (b.Value == address.Value || IsUnspecified(b.Value.Address) || IsUnspecified(address.Value.Address)));
        if (clash is not null)
        {
            errors.Add(address.Location, $"address {address.Value} overlaps {clash.Value} at {clash.Location.KeyPath}; each listener needs its own address:port");
        }
    }

    private static void Outbound(ListenerConfig listener, IReadOnlyList<ServiceConfig> services, ConfigErrorSink errors)
    {
        NotGiven(listener.InboundPort, "inbound_port", "outbound", errors);
        if (listener.Service is not { } name)
        {
            errors.Add(listener.Location.Child("service"), "required for an outbound listener: the name of a service in 'services'");
            return;
        }
        if (services.FirstOrDefault(s => s.Name.Value == name.Value) is not { } service)
        {
            var known = services.Count == 0 ? "none are defined" : $"defined: {string.Join(", ", services.Select(s => s.Name.Value))}";
            errors.Add(name.Location, $"service '{name.Value}' is not defined in services ({known})");
            return;
        }
        var self = service.EndpointAddresses?.Items.FirstOrDefault(e => listener.Address is { } a && e.Value == a.Value);
        if (self is not null)
        {
            errors.Add(name.Location, $"service '{name.Value}' lists this listener's own address as an endpoint ({self.Location.KeyPath}); connections would loop");
        }
    }

    private static void Inbound(ListenerConfig listener, IReadOnlyList<InboundPortConfig> inbound, ConfigErrorSink errors)
    {
        NotGiven(listener.Service, "service", "inbound", errors);
        if (listener.InboundPort is not { } port)
        {
            errors.Add(listener.Location.Child("inbound_port"), "required for an inbound listener: a port declared in 'inbound'");
            return;
        }
        if (inbound.FirstOrDefault(p => p.Port?.Value == port.Value) is not { } declared)
        {
            errors.Add(port.Location, $"port {port.Value} is not declared in inbound");
            return;
        }
        var forwardTo = declared.ForwardTo?.Value ?? ConfigDefaults.ForwardTo(port.Value);
        if (listener.Address is { } address && forwardTo == address.Value)
        {
            errors.Add(port.Location, $"inbound port {port.Value} forwards to {forwardTo}, this listener itself; connections would loop");
        }
    }

    private static void NotGiven<T>(Located<T>? value, string key, string direction, ConfigErrorSink errors)
    {
        if (value is not null)
        {
            errors.Add(value.Location, $"'{key}' does not apply to an {direction} listener");
        }
    }

    private static bool IsUnspecified(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
}
