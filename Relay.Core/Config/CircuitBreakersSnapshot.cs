namespace Relay.Core.Config;

/// <summary>
/// mesh.yaml <c>services.NAME.circuit_breakers</c>, compiled. Defaults are Envoy's cluster
/// circuit breaker thresholds (1024 connections, 1024 pending, 1024 requests, 3 retries): high
/// enough never to bind a healthy service on one VM, low enough that a service that stopped
/// answering cannot take every descriptor and request slot of its callers with it.
/// </summary>
public sealed record CircuitBreakersSnapshot(int MaxConnections, int MaxPendingRequests, int MaxRequests, int MaxRetries)
{
    public static readonly CircuitBreakersSnapshot Default = new(1024, 1024, 1024, 3);
}
