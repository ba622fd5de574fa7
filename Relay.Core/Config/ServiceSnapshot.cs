using System.Collections.Immutable;
using System.Net;
using Relay.Core.Net;
using Relay.Tls.Identity;

namespace Relay.Core.Config;

/// <summary>A service this host's apps call, compiled from mesh.yaml <c>services</c>.</summary>
public sealed record ServiceSnapshot(
    string Name,
    int Port,
    ImmutableArray<IPAddress> Addresses,
    ImmutableArray<NetEndpoint> Endpoints,
    ImmutableArray<SpiffeId> Identities,
    bool MeshTls,
    LoadBalancing LoadBalancing,
    TimeSpan ConnectTimeout,
    TimeSpan IdleTimeout,
    AppProtocol Protocol = AppProtocol.Tcp)
{
    /// <summary>Labels and zone of each endpoint, index for index with <see cref="Endpoints"/>.</summary>
    public required ImmutableArray<EndpointSnapshot> EndpointDetails { get; init; }

    /// <summary>What ring-hash hashes (<c>hash_on</c>); null for every other balancer.</summary>
    public HashOn? HashOn { get; init; }

    /// <summary>Passive health (<c>outlier_detection</c>): when endpoints are ejected, and how many may be.</summary>
    public OutlierDetectionSnapshot OutlierDetection { get; init; } = OutlierDetectionSnapshot.Default;

    /// <summary>Admission limits (<c>circuit_breakers</c>): overflow fails fast instead of queueing.</summary>
    public CircuitBreakersSnapshot CircuitBreakers { get; init; } = CircuitBreakersSnapshot.Default;

    /// <summary>Active health checks (<c>health_check</c>); null when the service has none (endpoints count as healthy).</summary>
    public HealthCheckSnapshot? HealthCheck { get; init; }

    /// <summary>mesh.yaml <c>routes</c>, in file order; empty: every request goes to all endpoints, as without routes.</summary>
    public ImmutableArray<RouteSnapshot> Routes { get; init; } = [];

    /// <summary>
    /// <c>dns:</c>/<c>srv:</c>: the endpoints come from DNS (Upstreams/Discovery), so the snapshot's
    /// own <see cref="Endpoints"/> are empty and the cluster state holds the discovered set; null
    /// for a service with listed endpoints.
    /// </summary>
    public DnsSourceSnapshot? Discovery { get; init; }
}

/// <summary>mesh.yaml <c>load_balancing</c> (Upstreams/Balancing holds one class per member).</summary>
public enum LoadBalancing
{
    RoundRobin,
    Random,
    LeastRequest,
    PeakEwma,
    RingHash,
}
