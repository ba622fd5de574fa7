namespace Relay.Core.Config;

/// <summary>Process-wide bounds. Per-service timeouts override ConnectTimeout and IdleTimeout.</summary>
public sealed record LimitsSnapshot(
    int MaxConnections,
    TimeSpan ConnectTimeout,
    TimeSpan IdleTimeout,
    TimeSpan DrainTimeout,
    int BufferSize)
{
    /// <summary>HTTP: time for a request's line and headers to arrive (Kestrel RequestHeadersTimeout); a 408 after.</summary>
    public TimeSpan HttpRequestHeadersTimeout { get; init; } = ConfigDefaults.HttpRequestHeadersTimeout;

    /// <summary>HTTP: idle time between requests on one connection (Kestrel KeepAliveTimeout); a close after.</summary>
    public TimeSpan HttpKeepAliveTimeout { get; init; } = ConfigDefaults.HttpKeepAliveTimeout;
}
