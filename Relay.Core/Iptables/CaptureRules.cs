using System.Collections.Immutable;
using Relay.Core.Config;

namespace Relay.Core.Iptables;

/// <summary>
/// The one place capture rules come from: a <see cref="CaptureSnapshot"/> plus the declared
/// inbound ports in, iptables-restore text out. Pure apart from resolving user names to uids.
/// </summary>
internal static class CaptureRules
{
    public static CaptureRulesetResult Generate(CaptureSnapshot capture, IReadOnlyList<int> inboundPorts) =>
        Generate(capture, inboundPorts, PasswdLookup.FindUid);

    public static CaptureRulesetResult Generate(
        CaptureSnapshot capture, IReadOnlyList<int> inboundPorts, Func<string, int?> uidLookup)
    {
        var (uids, uidErrors) = UidResolver.Resolve(capture.RunAsUser, capture.ExcludeUids, uidLookup);
        var portErrors = CapturePortChecks.Check(capture, inboundPorts);
        if (uidErrors.Length > 0 || portErrors.Count > 0)
        {
            return CaptureRulesetResult.Failed([.. uidErrors, .. portErrors]);
        }

        var inputs = new CaptureInputs(
            capture.OutboundPort,
            capture.InboundPort,
            uids,
            capture.ExcludeCidrs,
            [.. capture.ExcludeOutboundPorts.Distinct()],
            [.. capture.ExcludeInboundPorts.Distinct()],
            [.. inboundPorts.Distinct()]);
        var v4 = FamilyRulesWriter.Write(IpFamily.V4, inputs);
        var v6 = capture.Ipv6 ? FamilyRulesWriter.Write(IpFamily.V6, inputs) : null;
        return CaptureRulesetResult.Ok(new CaptureRuleset(v4, v6));
    }

    /// <summary>
    /// The exact text <see cref="CaptureInstaller.Apply"/> feeds to each restore command, followed by the
    /// jump rules it appends when missing, as comments so each section stays valid restore input.
    /// </summary>
    public static string Print(CaptureRuleset ruleset)
    {
        var text = new System.Text.StringBuilder();
        foreach (var family in ruleset.Families)
        {
            text.Append("# ").Append(family.Family.Restore()).Append(" --noflush\n");
            text.Append(family.RestoreText);
            text.Append("# then, for each jump missing from its built-in chain: ")
                .Append(family.Family.Iptables()).Append(" -C ... || -A ...\n");
            foreach (var jump in family.Jumps)
            {
                text.Append("# ").Append(jump).Append('\n');
            }
        }

        if (ruleset.V6 is null)
        {
            text.Append("# capture.ipv6 is false: ip6tables carries no Relay rules (apply removes any)\n");
        }

        return text.ToString();
    }
}
