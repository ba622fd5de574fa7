using System.Net;
using System.Net.Sockets;
using Relay.Core.Lifecycle;
using Relay.Core.Runtime;

namespace Relay.Tests.Lifecycle;

/// <summary>Anything wrong with a new config leaves the last good one running, and says so everywhere.</summary>
[Trait("Tier", "Loopback")]
public sealed class ReloadFailureTests
{
    [Theory]
    [InlineData("mesh: { trust_domain: mesh.test\n", "mesh")]                                // syntax error
    [InlineData("mesh: { trust_domain: mesh.test }\nbogus: 1\n", "bogus")]                    // unknown key
    [InlineData("mesh: { trust_domain: mesh.test }\nservices:\n  svc: { port: 9000, endpoints: [\"300.1.1.1:80\"], mesh_tls: false }\n", "services.svc.endpoints")] // bad address
    public async Task Reload_InvalidEdit_KeepsPreviousSnapshot_ReportsEveryError(string yaml, string keyPath)
    {
        using var echo = new Runtime.LoopbackEchoServer();
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml(echo.EndPoint.ToString()), watch: false);
        var good = f.Runtime.Current.Revision;

        await File.WriteAllTextAsync(f.ConfigPath, yaml);
        var report = await f.Lifecycle.ReloadAsync("SIGHUP");

        Assert.Equal((ReloadOutcome.Rejected, good), (report.Outcome, report.RunningRevision));
        Assert.Contains(report.Errors, e => e.StartsWith(f.ConfigPath + ":", StringComparison.Ordinal) && e.Contains(keyPath, StringComparison.Ordinal));
        Assert.Equal(good, f.Runtime.Current.Revision);
        Assert.Equal("hello", await f.EchoThroughRelayAsync("hello"));
        Assert.Same(report, f.Runtime.ConfigView.LastReload);
        var persisted = LifecycleState.Read(f.StateDirectory)!.LastReload!;
        Assert.Equal((report.Outcome, report.RunningRevision), (persisted.Outcome, persisted.RunningRevision));
        Assert.Equal(report.Errors, persisted.Errors);
        Assert.Contains("relay_config_reload_total{result=\"failure\"} 1", f.Scrape(), StringComparison.Ordinal);
        Assert.StartsWith($"READY=1 STATUS=running revision {good}; last reload rejected: {f.ConfigPath}:", f.Notifier.Messages[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_OutboundPortTaken_FailsAndKeepsOldListenerAndSnapshot()
    {
        using var echo = new Runtime.LoopbackEchoServer();
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml(echo.EndPoint.ToString()), watch: false);
        var good = f.Runtime.Current.Revision;
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Any, 0));
        squatter.Listen();

        await File.WriteAllTextAsync(f.ConfigPath, f.Yaml(echo.EndPoint.ToString(), outboundPort: ((IPEndPoint)squatter.LocalEndPoint!).Port));
        var report = await f.Lifecycle.ReloadAsync("SIGHUP");

        Assert.Equal(ReloadOutcome.Failed, report.Outcome);
        Assert.Contains("cannot bind", Assert.Single(report.Errors), StringComparison.Ordinal);
        Assert.Equal(good, f.Runtime.Current.Revision);
        Assert.Equal("still", await f.EchoThroughRelayAsync("still"));
        Assert.Empty(f.RuleApplies); // nothing reached iptables
        Assert.Contains("relay_config_reload_total{result=\"failure\"} 1", f.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_RulesApplyFails_KeepsOldSnapshotAndRules()
    {
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml("127.0.0.1:1001", inbound: [8080]), watch: false);
        var good = f.Runtime.Current.Revision;
        f.FailRules = true;

        await File.WriteAllTextAsync(f.ConfigPath, f.Yaml("127.0.0.1:1001", inbound: [8080, 8081]));
        var report = await f.Lifecycle.ReloadAsync("SIGHUP");

        Assert.Equal(ReloadOutcome.Failed, report.Outcome);
        Assert.Contains(report.Errors, e => e.Contains("simulated", StringComparison.Ordinal));
        Assert.Equal(good, f.Runtime.Current.Revision);
        // The widening apply (after the swap), then the attempt to put the old rules back.
        var applies = f.RuleApplies.ToArray();
        Assert.Equal(2, applies.Length);
        Assert.Contains("--dport 8081", applies[0].Rules, StringComparison.Ordinal);
        Assert.DoesNotContain("--dport 8081", applies[1].Rules, StringComparison.Ordinal);
    }
}
