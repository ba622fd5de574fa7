namespace Relay.Core.Runtime;

/// <summary>GET /clusters: one service's balancer and its endpoints' state.</summary>
internal sealed record ClusterView(string Service, IReadOnlyList<EndpointHealthView> Endpoints)
{
    /// <summary>The service's <c>load_balancing</c> word.</summary>
    public string LoadBalancing { get; init; } = "round-robin";

    /// <summary>This host's <c>mesh.zone</c>, the zone the service's picks prefer; null without one.</summary>
    public string? LocalZone { get; init; }

    /// <summary>For a <c>dns:</c>/<c>srv:</c> service: its source, TTL and last refresh; null for listed endpoints.</summary>
    public DiscoveryView? Discovery { get; init; }
}

/// <summary>One endpoint of a <see cref="ClusterView"/>: passive health, and what the balancers read.</summary>
internal sealed record EndpointHealthView(string Address, int ConsecutiveFailures, bool Ejected)
{
    /// <summary>Requests (L7) and connections (L4) in flight on the endpoint now.</summary>
    public int InFlight { get; init; }

    /// <summary>The peak-EWMA latency estimate now, in ms (kept for every balancer, used by peak-ewma).</summary>
    public double EwmaLatencyMs { get; init; }

    /// <summary>The endpoint's <c>zone</c> from mesh.yaml; null when it has none.</summary>
    public string? Zone { get; init; }

    /// <summary>Active health: <c>pending</c> (not checked yet), <c>healthy</c> or <c>unhealthy</c>; null when the service has no health_check.</summary>
    public string? HealthCheck { get; init; }

    /// <summary>While checks fail: the last one's result (<c>bad_status</c>, <c>timeout</c>, <c>connect_failed</c>, <c>tls_failed</c>); else null.</summary>
    public string? LastCheckFailure { get; init; }
}
