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
    public static LimitsConfig Empty(ConfigLocation at) => new(at, null, null, null, null, null);
}
