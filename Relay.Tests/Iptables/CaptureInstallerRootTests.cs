using Relay.Core.Iptables;

namespace Relay.Tests.Iptables;

/// <summary>Applies the generated rules for real inside a fresh network namespace.</summary>
[Trait("Tier", "Root")]
public sealed class CaptureInstallerRootTests : IDisposable
{
    private readonly NetworkNamespace _ns;
    private readonly CaptureInstaller _installer;

    public CaptureInstallerRootTests()
    {
        NetworkNamespace.AssertRoot();
        _ns = new NetworkNamespace();
        _installer = new CaptureInstaller(_ns.Runner);
    }

    public void Dispose() => _ns.Dispose();

    private static CaptureRuleset Rules(bool ipv6, params int[] inbound)
    {
        // nobody (65534) exists on every Debian host; it stands in for the relay user.
        var result = CaptureRules.Generate(CaptureSnapshots.Default(runAs: "nobody", ipv6: ipv6), inbound);
        Assert.Empty(result.Errors);
        return result.Ruleset!;
    }

    private void AssertApplied(CaptureRuleset ruleset)
    {
        var applied = _installer.Apply(ruleset);
        Assert.True(applied.Succeeded, string.Join("; ", applied.Errors));
    }

    [Fact]
    public void Apply_Twice_IdenticalSaveOutputForBothFamilies()
    {
        var ruleset = Rules(ipv6: true, 8080);

        AssertApplied(ruleset);
        var (v4, v6) = (_ns.Save(IpFamily.V4), _ns.Save(IpFamily.V6));
        AssertApplied(ruleset);

        Assert.Equal(v4, _ns.Save(IpFamily.V4));
        Assert.Equal(v6, _ns.Save(IpFamily.V6));
    }

    [Theory]
    [InlineData(false, "127.0.0.0/8")]
    [InlineData(true, "::1/128")]
    public void Apply_InstallsJumpsAndChainRules(bool v6, string loopback)
    {
        var family = v6 ? IpFamily.V6 : IpFamily.V4;
        AssertApplied(Rules(ipv6: true, 8080));

        var saved = _ns.Save(family).Split('\n');
        Assert.Single(saved, l => l == "-A OUTPUT -p tcp -j RELAY_OUTBOUND");
        Assert.Single(saved, l => l == "-A PREROUTING -p tcp -j RELAY_INBOUND");
        Assert.Single(saved, l => l == "-A PREROUTING -p tcp -j RELAY_DROP_INVALID");
        Assert.Contains("-A RELAY_OUTBOUND -m owner --uid-owner 65534 -j RETURN", saved);
        Assert.Contains($"-A RELAY_OUTBOUND -d {loopback} -j RETURN", saved);
        Assert.Contains("-A RELAY_INBOUND -p tcp -m tcp --dport 22 -j RETURN", saved);
        Assert.Contains("-A RELAY_INBOUND -p tcp -m tcp --dport 8080 -j RELAY_IN_REDIRECT", saved);
        Assert.Contains("-A RELAY_DROP_INVALID -p tcp -m tcp --dport 8080 -m conntrack --ctstate INVALID -j DROP", saved);
        Assert.Contains("-A RELAY_REDIRECT -p tcp -j REDIRECT --to-ports 15001", saved);
        Assert.Contains("-A RELAY_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006", saved);
    }

    [Fact]
    public void Apply_ChangedConfig_ReplacesChainContentsKeepsOneJump()
    {
        AssertApplied(Rules(ipv6: false, 8080));

        AssertApplied(Rules(ipv6: false, 9090));

        var saved = _ns.Save(IpFamily.V4);
        Assert.DoesNotContain("--dport 8080", saved, StringComparison.Ordinal);
        Assert.Contains("-A RELAY_INBOUND -p tcp -m tcp --dport 9090 -j RELAY_IN_REDIRECT", saved, StringComparison.Ordinal);
        Assert.Single(saved.Split('\n'), l => l == "-A PREROUTING -p tcp -j RELAY_INBOUND");
    }

    [Fact]
    public void Apply_Ipv6TurnedOff_RemovesIpv6Rules()
    {
        AssertApplied(Rules(ipv6: true, 8080));

        AssertApplied(Rules(ipv6: false, 8080));

        Assert.DoesNotContain("RELAY", _ns.Save(IpFamily.V6), StringComparison.Ordinal);
        Assert.Contains("RELAY_OUTBOUND", _ns.Save(IpFamily.V4), StringComparison.Ordinal);
    }

    [Fact]
    public void Remove_AfterApply_NoRelayLineLeftAndForeignRulesKept()
    {
        _ns.Exec("iptables", "-t", "nat", "-A", "OUTPUT", "-p", "udp", "-j", "RETURN");
        AssertApplied(Rules(ipv6: true, 8080));
        // A second copy of a jump (e.g. added by hand) must go too.
        _ns.Exec("iptables", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-j", "RELAY_OUTBOUND");

        var removed = _installer.Remove(ipv6: true);

        Assert.True(removed.Succeeded, string.Join("; ", removed.Errors));
        Assert.DoesNotContain("RELAY", _ns.Save(IpFamily.V4), StringComparison.Ordinal);
        Assert.DoesNotContain("RELAY", _ns.Save(IpFamily.V6), StringComparison.Ordinal);
        Assert.Contains("-A OUTPUT -p udp -j RETURN", _ns.Save(IpFamily.V4), StringComparison.Ordinal);
    }

    [Fact]
    public void Remove_NothingInstalled_Succeeds()
    {
        var removed = _installer.Remove(ipv6: true);

        Assert.True(removed.Succeeded, string.Join("; ", removed.Errors));
    }
}
