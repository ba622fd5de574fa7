namespace Relay.Core.Iptables;

/// <summary>
/// Applies and removes capture rules. Apply is idempotent and atomic per family: one
/// iptables-restore commit replaces the contents of every RELAY_ chain, so a hot reload has no
/// moment where captured traffic is refused or slips past; jumps are added only when missing.
/// </summary>
internal sealed class CaptureInstaller(IptablesRunner runner)
{
    public IptablesResult Apply(CaptureRuleset ruleset)
    {
        var v4 = ApplyFamily(ruleset.V4);
        // capture.ipv6 switched off by a reload: IPv6 must not keep capturing into a config that no longer says so.
        var v6 = ruleset.V6 is null ? RemoveFamily(IpFamily.V6) : ApplyFamily(ruleset.V6);
        return IptablesResult.Combine(v4, v6);
    }

    public IptablesResult Remove(bool ipv6) =>
        ipv6 ? IptablesResult.Combine(RemoveFamily(IpFamily.V4), RemoveFamily(IpFamily.V6)) : RemoveFamily(IpFamily.V4);

    private IptablesResult ApplyFamily(FamilyRuleset rules)
    {
        var restored = runner.Restore(rules.Family, rules.RestoreText);
        if (!restored.Succeeded)
        {
            return IptablesResult.Failed(rules.Family.Restore(), restored);
        }

        foreach (var jump in rules.Jumps)
        {
            var added = EnsureJump(rules.Family, jump);
            if (!added.Succeeded)
            {
                return added;
            }
        }

        return IptablesResult.Success;
    }

    /// <summary><c>-C</c> exits 1 when the rule is absent (the chain exists: restore just made it); anything else is a failure.</summary>
    private IptablesResult EnsureJump(IpFamily family, JumpRule jump)
    {
        var check = runner.Iptables(family, jump.Arguments("-C"));
        if (check.Succeeded)
        {
            return IptablesResult.Success;
        }

        if (!check.Started || check.ExitCode != 1)
        {
            return IptablesResult.Failed($"{family.Iptables()} -C", check);
        }

        var append = runner.Iptables(family, jump.Arguments("-A"));
        return append.Succeeded ? IptablesResult.Success : IptablesResult.Failed($"{family.Iptables()} -A", append);
    }

    private IptablesResult RemoveFamily(IpFamily family)
    {
        var saved = runner.Save(family);
        if (!saved.Succeeded)
        {
            return IptablesResult.Failed(family.Save(), saved);
        }

        var plan = RemovalPlan.Build(saved.Stdout);
        if (plan is null)
        {
            return IptablesResult.Success;
        }

        var removed = runner.Restore(family, plan);
        return removed.Succeeded ? IptablesResult.Success : IptablesResult.Failed(family.Restore(), removed);
    }
}
