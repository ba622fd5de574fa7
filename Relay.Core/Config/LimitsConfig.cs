namespace Relay.Core.Config;

/// <summary>mesh.yaml <c>limits</c>: process-wide connection bounds and timeouts.</summary>
internal sealed record LimitsConfig(
    ConfigLocation Location,
    Located<int>? MaxConnections,
    Located<TimeSpan>? ConnectTimeout,
    Located<TimeSpan>? IdleTimeout,
    Located<TimeSpan>? DrainTimeout,
    Located<int>? BufferSize)
{
    /// <summary>limits.http_request_headers_timeout: Kestrel's RequestHeadersTimeout on the L7 path.</summary>
    public Located<TimeSpan>? HttpRequestHeadersTimeout { get; init; }

    /// <summary>limits.http_keep_alive_timeout: Kestrel's KeepAliveTimeout on the L7 path.</summary>
    public Located<TimeSpan>? HttpKeepAliveTimeout { get; init; }

    public static LimitsConfig Empty(ConfigLocation at) => new(at, null, null, null, null, null);
}
