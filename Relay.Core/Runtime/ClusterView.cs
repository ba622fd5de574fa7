namespace Relay.Core.Runtime;

/// <summary>GET /clusters: one service's balancer and its endpoints' state.</summary>
internal sealed record ClusterView(string Service, IReadOnlyList<EndpointHealthView> Endpoints)
{
    /// <summary>The service's <c>load_balancing</c> word.</summary>
    public string LoadBalancing { get; init; } = "round-robin";

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
}
