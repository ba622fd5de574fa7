using System.Collections.Immutable;

namespace Relay.Core.Config;

/// <summary>One services entry → <see cref="ServiceSnapshot"/>; timeouts fall back to limits.</summary>
internal static class ServiceCompiler
{
    public static ServiceSnapshot Compile(ServiceConfig service, IReadOnlyList<ServiceConfig> services, LimitsSnapshot limits) => new(
        service.Name.Value,
        ConfigCompiler.Required(service.Port).Value,
        ConfigCompiler.Values(service.Addresses, []),
        ConfigCompiler.Values(service.EndpointAddresses, []),
        ConfigCompiler.Values(service.Identities, []),
        service.MeshTls?.Value ?? ConfigDefaults.MeshTls,
        service.LoadBalancing?.Value ?? ConfigDefaults.DefaultLoadBalancing,
        service.Timeouts?.Connect?.Value ?? limits.ConnectTimeout,
        service.Timeouts?.Idle?.Value ?? limits.IdleTimeout,
        service.Protocol?.Value ?? ConfigDefaults.Protocol)
    {
        EndpointDetails = [.. (service.Endpoints?.Items ?? []).Select(e => Details(e.Value))],
        Routes = RouteCompiler.Compile(service, services),
    };

    private static EndpointSnapshot Details(EndpointConfig endpoint) => new(
        endpoint.Address.Value,
        endpoint.Labels.ToImmutableSortedDictionary(l => l.Key.Value, l => l.Value.Value, StringComparer.Ordinal),
        endpoint.Zone?.Value);
}
