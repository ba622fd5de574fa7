namespace Relay.Core.Config;

/// <summary>mesh.yaml <c>services.NAME.circuit_breakers</c>: every key optional, defaults in <see cref="CircuitBreakersSnapshot.Default"/>.</summary>
internal sealed record CircuitBreakersConfig(
    ConfigLocation Location, Located<int>? MaxConnections, Located<int>? MaxPendingRequests, Located<int>? MaxRequests, Located<int>? MaxRetries)
{
    public CircuitBreakersSnapshot Compile()
    {
        var d = CircuitBreakersSnapshot.Default;
        return new(MaxConnections?.Value ?? d.MaxConnections, MaxPendingRequests?.Value ?? d.MaxPendingRequests,
            MaxRequests?.Value ?? d.MaxRequests, MaxRetries?.Value ?? d.MaxRetries);
    }
}
