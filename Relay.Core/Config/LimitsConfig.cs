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
    public Located<int>? MaxInboundConnections { get; init; }

    public Located<int>? MaxOutboundConnections { get; init; }

    public Located<int>? MaxUnauthenticatedPerSource { get; init; }

    public Located<TimeSpan>? InboundHandshakeTimeout { get; init; }

    public Located<TimeSpan>? FirstByteTimeout { get; init; }
    /// <summary>limits.http_request_headers_timeout: Kestrel's RequestHeadersTimeout on the L7 path.</summary>
    public Located<TimeSpan>? HttpRequestHeadersTimeout { get; init; }

    /// <summary>limits.http_keep_alive_timeout: Kestrel's KeepAliveTimeout on the L7 path.</summary>
    public Located<TimeSpan>? HttpKeepAliveTimeout { get; init; }

    public static LimitsConfig Empty(ConfigLocation at) => new(at, null, null, null, null, null);
}
