using System.CommandLine;
using Relay.Daemon.Commands;

namespace Relay.Tests.Lifecycle;

/// <summary>`relay config status|history|rollback` against a state directory a ConfigLifecycle wrote.</summary>
[Trait("Tier", "Loopback")]
public sealed class ConfigCommandTests
{
    internal static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand { ConfigCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Status_InSyncThenInvalid_ExitCodesAndErrorsPrinted()
    {
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml("127.0.0.1:1001"), watch: false);
        var revision = f.Runtime.Current.Revision;

        var inSync = await RunAsync("config", "status", "--config", f.ConfigPath, "--state-dir", f.StateDirectory);
        await File.WriteAllTextAsync(f.ConfigPath, "mesh: { trust_domain: mesh.test }\nbogus: 1\n");
        var invalid = await RunAsync("config", "status", "--config", f.ConfigPath, "--state-dir", f.StateDirectory);

        Assert.Equal(0, inSync.Exit);
        Assert.Contains($"running:     revision {revision}", inSync.Output, StringComparison.Ordinal);
        Assert.Contains("in sync", inSync.Output, StringComparison.Ordinal);
        Assert.Equal(2, invalid.Exit);
        Assert.Contains("INVALID (1 errors)", invalid.Output, StringComparison.Ordinal);
        Assert.Contains("bogus: unknown key", invalid.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_ListsRunningRevision_RollbackWithoutEarlierOne_Exits2()
    {
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml("127.0.0.1:1001"), watch: false);

        var history = await RunAsync("config", "history", "--state-dir", f.StateDirectory);
        var rollback = await RunAsync("config", "rollback", "--config", f.ConfigPath, "--state-dir", f.StateDirectory);

        Assert.Contains($"{f.Runtime.Current.Revision}  ", history.Output, StringComparison.Ordinal);
        Assert.Contains("(running)", history.Output, StringComparison.Ordinal);
        Assert.Equal(2, rollback.Exit);
        Assert.Contains("no earlier revision", rollback.Error, StringComparison.Ordinal);
    }
}
