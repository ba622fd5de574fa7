using System.Collections.Frozen;
using System.CommandLine;
using System.Net;
using Relay.Core.Config;
using Relay.Core.Iptables;
using Relay.Core.Net;
using Relay.Daemon.Commands;

namespace Relay.Tests.Iptables;

/// <summary>The <c>relay iptables</c> CLI glue, with a stand-in config loader and a runner that cannot reach iptables.</summary>
[Trait("Tier", "Unit")]
public sealed class IptablesCommandTests
{
    /// <summary>If any command reached this runner it would fail with exit 1, so exit 2 proves iptables was untouched.</summary>
    private static readonly CaptureInstaller Unreachable = new(new IptablesRunner(["/nonexistent/relay-test-no-iptables"]));

    private static (int Exit, string Out, string Err) Run(
        Func<string, (ConfigSnapshot?, IReadOnlyList<string>)> load, params string[] args)
    {
        var root = new RootCommand { IptablesCommand.Create(load, Unreachable) };
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private static (ConfigSnapshot?, IReadOnlyList<string>) Broken(string path) =>
        (null, [$"{path}:3:5: capture.outbound_port: expected a number"]);

    private static (ConfigSnapshot?, IReadOnlyList<string>) Valid(string path)
    {
        var inbound = new InboundPortSnapshot(8080, new NetEndpoint(IPAddress.Loopback, 8080), AppProtocol.Tcp,
            MtlsMode.Strict, null, TimeSpan.FromHours(1));
        return (new ConfigSnapshot
        {
            Revision = "r1",
            SourcePath = path,
            SourceText = "",
            Mesh = new MeshSnapshot("corp.example", null),
            Capture = CaptureSnapshots.Default(runAs: "root"),
            Admin = new AdminSnapshot(new NetEndpoint(IPAddress.Loopback, 15000)),
            Limits = new LimitsSnapshot(1000, TimeSpan.FromSeconds(2), TimeSpan.FromHours(1), TimeSpan.FromSeconds(30), 16384),
            Inbound = [inbound],
            InboundByPort = new Dictionary<int, InboundPortSnapshot> { [8080] = inbound }.ToFrozenDictionary(),
            Services = [],
            Routes = RouteTable.Empty,
        }, []);
    }

    [Theory]
    [InlineData("apply")]
    [InlineData("remove")]
    [InlineData("print")]
    public void Subcommand_ConfigErrors_Exit2WithErrorsOnStderr(string subcommand)
    {
        var (exit, _, err) = Run(Broken, "iptables", subcommand, "--config", "/etc/relay/mesh.yaml");

        Assert.Equal(IptablesCommand.ExitConfigInvalid, exit);
        Assert.Contains("capture.outbound_port: expected a number", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Print_ValidConfig_WritesRulesetForDeclaredInboundPort()
    {
        var (exit, output, _) = Run(Valid, "iptables", "print", "--config", "mesh.yaml");

        Assert.Equal(IptablesCommand.ExitOk, exit);
        Assert.Contains("-A RELAY_INBOUND -p tcp --dport 8080 -j RELAY_IN_REDIRECT\n", output, StringComparison.Ordinal);
        Assert.Contains("-A RELAY_OUTBOUND -m owner --uid-owner 0 -j RETURN\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_IptablesUnavailable_Exit1WithReason()
    {
        var (exit, _, err) = Run(Valid, "iptables", "apply", "--config", "mesh.yaml");

        Assert.Equal(IptablesCommand.ExitIptablesFailed, exit);
        Assert.Contains("iptables-restore failed", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Remove_ForceWithBrokenConfig_StillAttemptsRemoval()
    {
        var (exit, _, err) = Run(Broken, "iptables", "remove", "--config", "mesh.yaml", "--force");

        Assert.Equal(IptablesCommand.ExitIptablesFailed, exit);
        Assert.Contains("iptables-save failed", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_MissingConfigOption_ParseError()
    {
        var (exit, _, _) = Run(Valid, "iptables", "apply");

        Assert.NotEqual(IptablesCommand.ExitOk, exit);
    }
}
