using Relay.Core.Vocabulary;

namespace Relay.Core.Config;

/// <summary>Process-wide bounds. Per-service timeouts override ConnectTimeout and IdleTimeout.</summary>
/// <param name="MaxConnections">limits.max_connections: each direction's cap unless its own key sets it.</param>
public sealed record LimitsSnapshot(
    int MaxConnections,
    TimeSpan ConnectTimeout,
    TimeSpan IdleTimeout,
    TimeSpan DrainTimeout,
    int BufferSize)
{
    /// <summary>Connections remote callers may hold at once (issue 17 §2: never the local apps' slots).</summary>
    public int MaxInboundConnections { get; init; } = MaxConnections;

    /// <summary>Connections local apps may hold at once.</summary>
    public int MaxOutboundConnections { get; init; } = MaxConnections;

    /// <summary>Inbound connections one source may hold before it has authenticated (or, plaintext, sent a byte).</summary>
    public int MaxUnauthenticatedPerSource { get; init; } = ConfigDefaults.MaxUnauthenticatedPerSource;

    /// <summary>Deadline for an inbound caller's mesh handshake and relay preface.</summary>
    public TimeSpan InboundHandshakeTimeout { get; init; } = ConfigDefaults.InboundHandshakeTimeout;

    /// <summary>How long an inbound plaintext connection may go without its client sending a byte.</summary>
    public TimeSpan FirstByteTimeout { get; init; } = ConfigDefaults.FirstByteTimeout;

    public int MaxFor(Direction direction) => direction == Direction.Inbound ? MaxInboundConnections : MaxOutboundConnections;
    /// <summary>HTTP: time for a request's line and headers to arrive (Kestrel RequestHeadersTimeout); a 408 after.</summary>
    public TimeSpan HttpRequestHeadersTimeout { get; init; } = ConfigDefaults.HttpRequestHeadersTimeout;

    /// <summary>HTTP: idle time between requests on one connection (Kestrel KeepAliveTimeout); a close after.</summary>
    public TimeSpan HttpKeepAliveTimeout { get; init; } = ConfigDefaults.HttpKeepAliveTimeout;
}
