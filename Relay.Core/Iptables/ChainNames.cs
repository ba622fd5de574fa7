namespace Relay.Core.Iptables;

/// <summary>
/// Every chain Relay owns starts with <see cref="Prefix"/>; removal deletes any chain with that
/// prefix (so chains from older versions go too) and every built-in-chain rule that jumps to one.
/// </summary>
internal static class ChainNames
{
    public const string Prefix = "RELAY_";

    /// <summary>nat, hooked from OUTPUT: decides which locally originated connections go to Relay.</summary>
    public const string Outbound = "RELAY_OUTBOUND";

    /// <summary>nat, hooked from PREROUTING: decides which arriving connections go to Relay.</summary>
    public const string Inbound = "RELAY_INBOUND";

    /// <summary>nat: REDIRECT to the outbound listener.</summary>
    public const string Redirect = "RELAY_REDIRECT";

    /// <summary>nat: REDIRECT to the inbound listener.</summary>
    public const string InRedirect = "RELAY_IN_REDIRECT";

    /// <summary>mangle, hooked from PREROUTING: drops conntrack-INVALID segments to captured ports.</summary>
    public const string DropInvalid = "RELAY_DROP_INVALID";

    public const string NatTable = "nat";
    public const string MangleTable = "mangle";
}
