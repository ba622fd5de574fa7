using Relay.Core.Config;
using Relay.Core.Iptables;

namespace Relay.Core.Lifecycle;

/// <summary>
/// Keeps the installed capture rules in step with the running snapshot. It assumes the rules of the
/// initial snapshot are installed (systemd's ExecStartPre applied them as root) and re-applies
/// only when a reload changes the generated text, in two steps around the snapshot swap
/// (see <see cref="CaptureIntersection"/>). Disabled, it plans nothing and never runs iptables.
/// </summary>
internal sealed class CaptureFollower
{
    private readonly Func<CaptureRuleset, IptablesResult>? _apply;
    private readonly Func<string, int?> _uidLookup;

    private CaptureFollower(Func<CaptureRuleset, IptablesResult>? apply, Func<string, int?> uidLookup, CaptureRuleset? installed)
    {
        _apply = apply;
        _uidLookup = uidLookup;
        Installed = installed;
    }

    /// <summary>The rules Relay last installed (or assumes installed); null when disabled.</summary>
    public CaptureRuleset? Installed { get; private set; }

    public bool Enabled => _apply is not null;

    public static CaptureFollower Disabled() => new(null, _ => null, null);

    /// <summary>Follows the config with <paramref name="apply"/>; null when the initial rules cannot be generated.</summary>
    public static CaptureFollower Following(ConfigSnapshot initial, Func<CaptureRuleset, IptablesResult> apply, Func<string, int?>? uidLookup = null)
    {
        var lookup = uidLookup ?? PasswdLookup.FindUid;
        return new(apply, lookup, Generate(initial.Capture, InboundPorts(initial), lookup).Ruleset);
    }

    public CapturePlan Plan(ConfigSnapshot from, ConfigSnapshot to)
    {
        if (!Enabled)
        {
            return CapturePlan.None(null);
        }
        var final = Generate(to.Capture, InboundPorts(to), _uidLookup);
        if (final.Ruleset is null)
        {
            return CapturePlan.Invalid(final.Errors);
        }
        var (capture, ports) = CaptureIntersection.Of(from, to);
        // The intersection of two valid configs is valid; if generation still fails, skip the
        // narrowing step rather than reject a valid config (the new rules are what matter).
        var narrowed = Generate(capture, ports, _uidLookup).Ruleset;
        var before = narrowed is null || SameRules(narrowed, Installed) ? null : narrowed;
        var installedAfterBefore = before ?? Installed;
        var after = SameRules(final.Ruleset, installedAfterBefore) ? null : final.Ruleset;
        return new CapturePlan(before, after, final.Ruleset, []);
    }

    /// <summary>Runs iptables for one step and, on success, records what is now installed.</summary>
    public IptablesResult Apply(CaptureRuleset ruleset)
    {
        var result = _apply!(ruleset);
        // A failed restore may have committed one family and not the other: what is installed is
        // unknown, so the next plan or restore re-applies instead of trusting a comparison.
        Installed = result.Succeeded ? ruleset : null;
        return result;
    }

    /// <summary>After a failed step: puts <paramref name="ruleset"/> back (best effort; the result says if it worked).</summary>
    public IptablesResult Restore(CaptureRuleset? ruleset) =>
        ruleset is null || !Enabled || SameRules(ruleset, Installed) ? IptablesResult.Success : Apply(ruleset);

    private static CaptureRulesetResult Generate(CaptureSnapshot capture, IReadOnlyList<int> ports, Func<string, int?> lookup) =>
        CaptureRules.Generate(capture, ports, lookup);

    private static int[] InboundPorts(ConfigSnapshot snapshot) => [.. snapshot.Inbound.Select(p => p.Port)];

    private static bool SameRules(CaptureRuleset a, CaptureRuleset? b) =>
        b is not null && CaptureRules.Print(a) == CaptureRules.Print(b);
}
