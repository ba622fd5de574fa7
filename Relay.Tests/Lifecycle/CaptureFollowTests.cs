using Relay.Core.Lifecycle;
using Relay.Core.Runtime;

namespace Relay.Tests.Lifecycle;

/// <summary>
/// Capture rules follow the config, ordered around the swap so captured traffic always meets a
/// snapshot that knows it: widen after the swap, narrow before it, both when a reload does both.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class CaptureFollowTests
{
    [Fact]
    public async Task InboundPortAdded_RulesAppliedAfterSwap()
    {
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml("127.0.0.1:1001", inbound: [8080]), watch: false);

        await File.WriteAllTextAsync(f.ConfigPath, f.Yaml("127.0.0.1:1001", inbound: [8080, 8081]));
        var report = await f.Lifecycle.ReloadAsync("SIGHUP");

        var apply = Assert.Single(f.RuleApplies);
        Assert.Equal(report.RunningRevision, apply.RunningRevision);
        Assert.Contains("--dport 8081", apply.Rules, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InboundPortRemoved_RulesAppliedBeforeSwap()
    {
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml("127.0.0.1:1001", inbound: [8080, 8081]), watch: false);
        var old = f.Runtime.Current.Revision;

        await File.WriteAllTextAsync(f.ConfigPath, f.Yaml("127.0.0.1:1001", inbound: [8080]));
        await f.Lifecycle.ReloadAsync("SIGHUP");

        var apply = Assert.Single(f.RuleApplies);
        Assert.Equal(old, apply.RunningRevision);
        Assert.DoesNotContain("--dport 8081", apply.Rules, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InboundPortSwapped_NarrowsBeforeSwap_WidensAfter()
    {
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml("127.0.0.1:1001", inbound: [8080, 8081]), watch: false);
        var old = f.Runtime.Current.Revision;

        await File.WriteAllTextAsync(f.ConfigPath, f.Yaml("127.0.0.1:1001", inbound: [8080, 8082]));
        var report = await f.Lifecycle.ReloadAsync("SIGHUP");

        var applies = f.RuleApplies.ToArray();
        Assert.Equal(2, applies.Length);
        Assert.Equal(old, applies[0].RunningRevision);
        Assert.DoesNotContain("--dport 8081", applies[0].Rules, StringComparison.Ordinal);
        Assert.DoesNotContain("--dport 8082", applies[0].Rules, StringComparison.Ordinal);
        Assert.Equal(report.RunningRevision, applies[1].RunningRevision);
        Assert.Contains("--dport 8082", applies[1].Rules, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndpointChange_LeavesRulesAlone()
    {
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml("127.0.0.1:1001", inbound: [8080]), watch: false);

        await File.WriteAllTextAsync(f.ConfigPath, f.Yaml("127.0.0.1:1002", inbound: [8080], policy: "registry-only"));
        var report = await f.Lifecycle.ReloadAsync("SIGHUP");

        Assert.Equal(ReloadOutcome.Applied, report.Outcome);
        Assert.Empty(f.RuleApplies);
    }

    [Fact]
    public async Task CaptureRulesOff_NeverRunsIptables()
    {
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml("127.0.0.1:1001", inbound: [8080]), watch: false, followCapture: false);

        await File.WriteAllTextAsync(f.ConfigPath, f.Yaml("127.0.0.1:1001", inbound: [8081]));
        var report = await f.Lifecycle.ReloadAsync("SIGHUP");

        Assert.Equal(ReloadOutcome.Applied, report.Outcome);
        Assert.Empty(f.RuleApplies);
    }
}
