using System.Collections.Immutable;

namespace Relay.Core.Iptables;

/// <summary>
/// The complete capture rules generated from one config: IPv4 always, IPv6 when
/// <c>capture.ipv6</c> is true. <see cref="V6"/> null means "IPv6 must carry no Relay rules".
/// </summary>
internal sealed record CaptureRuleset(FamilyRuleset V4, FamilyRuleset? V6)
{
    public ImmutableArray<FamilyRuleset> Families => V6 is null ? [V4] : [V4, V6];
}

/// <summary>Either a ruleset or every reason one could not be generated (never both).</summary>
internal sealed record CaptureRulesetResult(CaptureRuleset? Ruleset, ImmutableArray<string> Errors)
{
    public static CaptureRulesetResult Ok(CaptureRuleset ruleset) => new(ruleset, []);

    public static CaptureRulesetResult Failed(IEnumerable<string> errors) => new(null, [.. errors]);
}
