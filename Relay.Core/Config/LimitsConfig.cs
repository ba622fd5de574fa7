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

    public static LimitsConfig Empty(ConfigLocation at) => new(at, null, null, null, null, null);
}
