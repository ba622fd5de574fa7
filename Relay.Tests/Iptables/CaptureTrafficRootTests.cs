using Relay.Core.Iptables;

namespace Relay.Tests.Iptables;

/// <summary>
/// Real connections inside a namespace with the rules applied and nothing listening on 15001:
/// captured traffic must be refused (fail-closed), Relay's own uid must go straight out.
/// </summary>
[Trait("Tier", "Root")]
public sealed class CaptureTrafficRootTests : IDisposable
{
    /// <summary>An unanswered SYN (no host at 198.18.0.9) shows up as timeout's exit code 124.</summary>
    private const int TimedOut = 124;

    private readonly NetworkNamespace _ns;

    public CaptureTrafficRootTests()
    {
        NetworkNamespace.AssertRoot();
        _ns = new NetworkNamespace();
        try
        {
            AddVethAndApplyRules();
        }
        catch
        {
            // xunit does not call Dispose when the constructor throws; the namespace must still go.
            _ns.Dispose();
            throw;
        }
    }

    private void AddVethAndApplyRules()
    {
        // A veth gives 198.18.0.0/24 a route; nothing answers on the far end, so uncaptured SYNs just go unanswered.
        _ns.Exec("ip", "link", "add", "rly0", "type", "veth", "peer", "name", "rly1");
        _ns.Exec("ip", "addr", "add", "198.18.0.1/24", "dev", "rly0");
        _ns.Exec("ip", "link", "set", "rly0", "up");
        _ns.Exec("ip", "link", "set", "rly1", "up");
        var rules = CaptureRules.Generate(CaptureSnapshots.Default(runAs: "nobody", excludeOutboundPorts: [9000]), [8080]);
        var applied = new CaptureInstaller(_ns.Runner).Apply(rules.Ruleset!);
        Assert.True(applied.Succeeded, string.Join("; ", applied.Errors));
    }

    public void Dispose() => _ns.Dispose();

    /// <summary>Runs a bash /dev/tcp connect inside the namespace, optionally as another uid; 1 s bounds the wait.</summary>
    private CommandResult Connect(int port, string? asUid = null)
    {
        string[] connect = ["timeout", "1", "bash", "-c", $"exec 3<>/dev/tcp/198.18.0.9/{port}"];
        string[] command = asUid is null ? connect : ["setpriv", "--reuid", asUid, "--regid", asUid, "--clear-groups", .. connect];
        return ProcessRunner.Run("ip", ["netns", "exec", _ns.Name, .. command], null, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Connect_CapturedWhileRelayDown_RefusedNotBypassed()
    {
        var result = Connect(80);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Connection refused", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Connect_AsRelayUid_NotCaptured()
    {
        var result = Connect(80, asUid: "65534");

        Assert.Equal(TimedOut, result.ExitCode);
    }

    [Fact]
    public void Connect_ExcludedOutboundPort_NotCaptured()
    {
        var result = Connect(9000);

        Assert.Equal(TimedOut, result.ExitCode);
    }
}
