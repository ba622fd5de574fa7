using System.Net;
using Relay.Core.Iptables;

namespace Relay.Tests.Iptables;

[Trait("Tier", "Unit")]
public sealed class CaptureRulesTests
{
    private static FamilyRuleset GenerateV4(Relay.Core.Config.CaptureSnapshot capture, params int[] inbound)
    {
        var result = CaptureRules.Generate(capture, inbound, CaptureSnapshots.Lookup);
        Assert.Empty(result.Errors);
        return result.Ruleset!.V4;
    }

    private static string[] Chain(FamilyRuleset rules, string chain) =>
        [.. CaptureSnapshots.Lines(rules.RestoreText).Where(l => l.StartsWith($"-A {chain} ", StringComparison.Ordinal))];

    [Fact]
    public void Generate_Defaults_OutboundChainHasExclusionsInOrderThenRedirect()
    {
        var rules = GenerateV4(CaptureSnapshots.Default(excludeUids: ["app"], excludeOutboundPorts: [9000],
            excludeCidrs: [IPNetwork.Parse("10.0.0.0/8")]), 8080);

        Assert.Equal(
        [
            "-A RELAY_OUTBOUND -m owner --uid-owner 998 -j RETURN",
            "-A RELAY_OUTBOUND -m owner --uid-owner 1000 -j RETURN",
            "-A RELAY_OUTBOUND -p tcp -m addrtype --dst-type LOCAL -m multiport --dports 15001,15006 -j RETURN",
            "-A RELAY_OUTBOUND -o lo -j RETURN",
            "-A RELAY_OUTBOUND -d 127.0.0.0/8 -j RETURN",
            "-A RELAY_OUTBOUND -d 10.0.0.0/8 -j RETURN",
            "-A RELAY_OUTBOUND -p tcp --dport 9000 -j RETURN",
            "-A RELAY_OUTBOUND -j RELAY_REDIRECT",
        ], Chain(rules, "RELAY_OUTBOUND"));
    }

    [Fact]
    public void Generate_RunAsListedInExcludeUids_OwnUidFirstAndOnlyOnce()
    {
        var rules = GenerateV4(CaptureSnapshots.Default(excludeUids: ["app", "relay", "998"]));

        var owners = Chain(rules, "RELAY_OUTBOUND").Where(l => l.Contains("--uid-owner", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["-A RELAY_OUTBOUND -m owner --uid-owner 998 -j RETURN", "-A RELAY_OUTBOUND -m owner --uid-owner 1000 -j RETURN"], owners);
    }

    [Fact]
    public void Generate_InboundChain_CapturesOnlyDeclaredPortsAfterExcludedOnes()
    {
        var rules = GenerateV4(CaptureSnapshots.Default(), 8080, 9090);

        Assert.Equal(
        [
            "-A RELAY_INBOUND -p tcp -m multiport --dports 15001,15006 -j RETURN",
            "-A RELAY_INBOUND -p tcp --dport 22 -j RETURN",
            "-A RELAY_INBOUND -p tcp --dport 8080 -j RELAY_IN_REDIRECT",
            "-A RELAY_INBOUND -p tcp --dport 9090 -j RELAY_IN_REDIRECT",
        ], Chain(rules, "RELAY_INBOUND"));
    }

    [Fact]
    public void Generate_RedirectChains_PointAtConfiguredListenerPorts()
    {
        var rules = GenerateV4(CaptureSnapshots.Default() with { OutboundPort = 16001, InboundPort = 16006 }, 8080);

        Assert.Equal(["-A RELAY_REDIRECT -p tcp -j REDIRECT --to-ports 16001"], Chain(rules, "RELAY_REDIRECT"));
        Assert.Equal(["-A RELAY_IN_REDIRECT -p tcp -j REDIRECT --to-ports 16006"], Chain(rules, "RELAY_IN_REDIRECT"));
    }

    [Fact]
    public void Generate_DropInvalid_InMangleForEachInboundPort()
    {
        var rules = GenerateV4(CaptureSnapshots.Default(), 8080, 9090);

        var mangle = rules.RestoreText[rules.RestoreText.IndexOf("*mangle", StringComparison.Ordinal)..];
        Assert.Contains(":RELAY_DROP_INVALID - [0:0]", mangle, StringComparison.Ordinal);
        Assert.Equal(
        [
            "-A RELAY_DROP_INVALID -p tcp --dport 8080 -m conntrack --ctstate INVALID -j DROP",
            "-A RELAY_DROP_INVALID -p tcp --dport 9090 -m conntrack --ctstate INVALID -j DROP",
        ], Chain(rules, "RELAY_DROP_INVALID"));
        Assert.Contains(rules.Jumps, j => j.Table == "mangle" && j.Chain == "PREROUTING" && j.Target == "RELAY_DROP_INVALID");
    }

    [Fact]
    public void Generate_RestoreText_DeclaresEveryChainSoRestoreFlushesIt()
    {
        var text = GenerateV4(CaptureSnapshots.Default(), 8080).RestoreText;

        Assert.StartsWith("*nat\n:RELAY_INBOUND - [0:0]\n:RELAY_IN_REDIRECT - [0:0]\n:RELAY_OUTBOUND - [0:0]\n:RELAY_REDIRECT - [0:0]\n", text, StringComparison.Ordinal);
        Assert.Equal(2, CaptureSnapshots.Lines(text).Count(l => l == "COMMIT"));
        Assert.DoesNotContain(CaptureSnapshots.Lines(text), l => l.StartsWith("-A OUTPUT", StringComparison.Ordinal) || l.StartsWith("-A PREROUTING", StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_Jumps_HookOutputAndPrerouting()
    {
        var jumps = GenerateV4(CaptureSnapshots.Default()).Jumps.Select(j => j.ToString()).ToArray();

        Assert.Equal(
        [
            "-t nat -A OUTPUT -p tcp -j RELAY_OUTBOUND",
            "-t nat -A PREROUTING -p tcp -j RELAY_INBOUND",
            "-t mangle -A PREROUTING -p tcp -j RELAY_DROP_INVALID",
        ], jumps);
    }

    [Fact]
    public void Generate_Ipv6False_NoV6Ruleset()
    {
        var result = CaptureRules.Generate(CaptureSnapshots.Default(), [8080], CaptureSnapshots.Lookup);

        Assert.Null(result.Ruleset!.V6);
        Assert.Single(result.Ruleset.Families);
    }

    [Fact]
    public void Generate_Ipv6True_V6UsesIpv6LoopbackAndOnlyIpv6Cidrs()
    {
        var capture = CaptureSnapshots.Default(ipv6: true,
            excludeCidrs: [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("fd00:1::/64")]);

        var result = CaptureRules.Generate(capture, [8080], CaptureSnapshots.Lookup);

        var v4 = Chain(result.Ruleset!.V4, "RELAY_OUTBOUND");
        var v6 = Chain(result.Ruleset.V6!, "RELAY_OUTBOUND");
        Assert.Contains("-A RELAY_OUTBOUND -d 10.0.0.0/8 -j RETURN", v4);
        Assert.DoesNotContain(v4, l => l.Contains("fd00", StringComparison.Ordinal));
        Assert.Contains("-A RELAY_OUTBOUND -d ::1/128 -j RETURN", v6);
        Assert.Contains("-A RELAY_OUTBOUND -d fd00:1::/64 -j RETURN", v6);
        Assert.DoesNotContain(v6, l => l.Contains("127.0.0.0/8", StringComparison.Ordinal) || l.Contains("10.0.0.0/8", StringComparison.Ordinal));
        Assert.Equal(IpFamily.V6, result.Ruleset.V6!.Family);
    }

    [Fact]
    public void Generate_UnknownUserName_ReturnsErrorNamingIt()
    {
        var result = CaptureRules.Generate(CaptureSnapshots.Default(excludeUids: ["ghost"]), [8080], CaptureSnapshots.Lookup);

        Assert.Null(result.Ruleset);
        var error = Assert.Single(result.Errors);
        Assert.Contains("exclude_uids", error, StringComparison.Ordinal);
        Assert.Contains("'ghost'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_UnknownRunAs_ReturnsError()
    {
        var result = CaptureRules.Generate(CaptureSnapshots.Default(runAs: "nobody-here"), [], CaptureSnapshots.Lookup);

        Assert.Contains(result.Errors, e => e.StartsWith("capture.run_as", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(15001, "Relay's own listener")]
    [InlineData(15006, "Relay's own listener")]
    [InlineData(22, "exclude_inbound_ports")]
    [InlineData(70000, "not a TCP port")]
    public void Generate_BadInboundPort_ReturnsError(int port, string expected)
    {
        var result = CaptureRules.Generate(CaptureSnapshots.Default(), [port], CaptureSnapshots.Lookup);

        Assert.Null(result.Ruleset);
        Assert.Contains(result.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_SameInputTwice_IdenticalText()
    {
        var capture = CaptureSnapshots.Default(ipv6: true);

        var first = CaptureRules.Generate(capture, [8080, 9090], CaptureSnapshots.Lookup);
        var second = CaptureRules.Generate(capture, [8080, 9090], CaptureSnapshots.Lookup);

        Assert.Equal(CaptureRules.Print(first.Ruleset!), CaptureRules.Print(second.Ruleset!));
    }

    [Fact]
    public void Print_ContainsRestoreTextAndJumpsForEachFamily()
    {
        var ruleset = CaptureRules.Generate(CaptureSnapshots.Default(ipv6: true), [8080], CaptureSnapshots.Lookup).Ruleset!;

        var printed = CaptureRules.Print(ruleset);

        Assert.Contains("# iptables-restore --noflush\n" + ruleset.V4.RestoreText, printed, StringComparison.Ordinal);
        Assert.Contains("# ip6tables-restore --noflush\n" + ruleset.V6!.RestoreText, printed, StringComparison.Ordinal);
        Assert.Equal(2, CaptureSnapshots.Lines(printed).Count(l => l == "# -t nat -A OUTPUT -p tcp -j RELAY_OUTBOUND"));
    }
}
