using System.Collections.Immutable;

namespace Relay.Core.Config;

/// <summary>One services entry → <see cref="ServiceSnapshot"/>; timeouts fall back to limits, the balancer to the protocol's default.</summary>
internal static class ServiceCompiler
{
    public static ServiceSnapshot Compile(ServiceConfig service, IReadOnlyList<ServiceConfig> services, LimitsSnapshot limits)
    {
        var protocol = service.Protocol?.Value ?? ConfigDefaults.Protocol;
        var balancing = service.LoadBalancing?.Value ?? ConfigDefaults.LoadBalancingFor(protocol);
        return Compile(service, services, limits, protocol, balancing) with
        {
            // A ring without a hash_on hashes the client address, the one key every connection has.
            HashOn = balancing == LoadBalancing.RingHash ? service.HashOn?.Value ?? Config.HashOn.ClientAddress : null,
            OutlierDetection = service.OutlierDetection?.Compile() ?? OutlierDetectionSnapshot.Default,
            CircuitBreakers = service.CircuitBreakers?.Compile() ?? CircuitBreakersSnapshot.Default,
            HealthCheck = service.HealthCheck?.Compile(),
            Discovery = Discovery(service),
        };
    }

    /// <summary>The name made absolute (a trailing dot: no search list), the port defaulting to the service's.</summary>
    private static DnsSourceSnapshot? Discovery(ServiceConfig service) => service.Discovery?.Value is not { } dns
        ? null
        : new DnsSourceSnapshot(
            dns.Kind,
            dns.Name.EndsWith('.') ? dns.Name : dns.Name + ".",
            dns.Kind == DnsRecordKind.Srv ? 0 : dns.Port ?? ConfigCompiler.Required(service.Port).Value);

    private static ServiceSnapshot Compile(
        ServiceConfig service, IReadOnlyList<ServiceConfig> services, LimitsSnapshot limits, AppProtocol protocol, LoadBalancing balancing) => new(
        service.Name.Value,
        ConfigCompiler.Required(service.Port).Value,
        ConfigCompiler.Values(service.Addresses, []),
        ConfigCompiler.Values(service.EndpointAddresses, []),
        ConfigCompiler.Values(service.Identities, []),
        service.MeshTls?.Value ?? ConfigDefaults.MeshTls,
        balancing,
        service.Timeouts?.Connect?.Value ?? limits.ConnectTimeout,
        service.Timeouts?.Idle?.Value ?? limits.IdleTimeout,
        protocol)
    {
        EndpointDetails = [.. (service.Endpoints?.Items ?? []).Select(e => Details(e.Value))],
        Routes = RouteCompiler.Compile(service, services),
    };

    private static EndpointSnapshot Details(EndpointConfig endpoint) => new(
        endpoint.Address.Value,
        endpoint.Labels.ToImmutableSortedDictionary(l => l.Key.Value, l => l.Value.Value, StringComparer.Ordinal),
        endpoint.Zone?.Value);
}
