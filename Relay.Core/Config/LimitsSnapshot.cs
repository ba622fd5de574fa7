namespace Relay.Core.Config;

/// <summary>Process-wide bounds. Per-service timeouts override ConnectTimeout and IdleTimeout.</summary>
public sealed record LimitsSnapshot(
    int MaxConnections,
    TimeSpan ConnectTimeout,
    TimeSpan IdleTimeout,
    TimeSpan DrainTimeout,
    int BufferSize);
