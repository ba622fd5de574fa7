namespace Relay.Core.Config.Validation;

/// <summary>
/// A port one of Relay's listeners, the inbound list or an explicit listener claims; Location null = a default.
/// </summary>
internal sealed record PortClaim(string Owner, int Port, ConfigLocation? Location, bool IsInbound, bool IsExplicit = false)
{
    public static PortClaim? From(string owner, Located<int>? given, int fallback, ConfigLocation? absent = null) =>
        given is null ? new PortClaim(owner, fallback, absent, false) : Valid(given.Value) ? new PortClaim(owner, given.Value, given.Location, false) : null;

    public string Describe() => Location is null ? $"{Owner} (default {Port})" : $"{Owner} ({Location.Value.KeyPath})";

    public static bool Valid(int port) => port is >= ValueRules.MinPort and <= ValueRules.MaxPort;
}
