using System.Net;
using Relay.Core.Net;
using Relay.Tls.Identity;

namespace Relay.Core.Config;

/// <summary>One entry of mesh.yaml <c>services</c>: a service this host's apps call.</summary>
internal sealed record ServiceConfig(
    ConfigLocation Location,
    Located<string> Name,
    Located<int>? Port,
    ConfigList<IPAddress>? Addresses,
    ConfigList<EndpointConfig>? Endpoints,
    ConfigList<SpiffeId>? Identities,
    Located<bool>? MeshTls,
    Located<LoadBalancing>? LoadBalancing,
    ServiceTimeoutsConfig? Timeouts,
    Located<AppProtocol>? Protocol = null,
    IReadOnlyList<RouteConfig>? Routes = null)
{
    public Located<HashOn>? HashOn { get; init; }

    public OutlierDetectionConfig? OutlierDetection { get; init; }

    public CircuitBreakersConfig? CircuitBreakers { get; init; }

    public HealthCheckConfig? HealthCheck { get; init; }

    /// <summary><c>dns:</c>: endpoints from the A and AAAA records of a name (validation allows one of endpoints, dns, srv).</summary>
    public Located<DnsSourceConfig>? Dns { get; init; }

    /// <summary><c>srv:</c>: endpoints from the SRV records of a name.</summary>
    public Located<DnsSourceConfig>? Srv { get; init; }

    /// <summary>The discovery source, when the service has one.</summary>
    public Located<DnsSourceConfig>? Discovery => Dns ?? Srv;

    /// <summary>The endpoints' addresses alone, for rules that only care where an endpoint is.</summary>
    public ConfigList<NetEndpoint>? EndpointAddresses => Endpoints is null
        ? null
        : new ConfigList<NetEndpoint>([.. Endpoints.Items.Select(e => e.Value.Address)], Endpoints.Location, Endpoints.Complete);
}
