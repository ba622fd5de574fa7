using Relay.Tests.Root.Infrastructure;

namespace Relay.Tests.Root;

/// <summary>The daemon runs from the copied binaries under the relay uid, reports ready, and stops cleanly.</summary>
[Trait("Tier", "Root")]
[Collection(RootCollection.Name)]
public sealed class DaemonLifecycleTests
{
    [Fact]
    public async Task Version_RunAsRelayUser_Succeeds()
    {
        RootRequirement.Assert();
        var user = await RelayUser.EnsureAsync();
        var binary = await DaemonBinaries.BinaryAsync();

        var result = await ProcessRunner.RunAsync("setpriv",
            [$"--reuid={user.Uid}", $"--regid={user.Gid}", "--clear-groups", .. binary.Argv("version")],
            env: new Dictionary<string, string> { ["HOME"] = "/tmp" });

        Assert.True(result.Succeeded, result.ToString());
        Assert.False(string.IsNullOrWhiteSpace(result.Stdout), result.ToString());
    }

    [Fact]
    public async Task Run_UnderRelayUser_ReportsReadyAndExitsZeroOnSigterm()
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync();
        // StartAsync itself asserts the pid is the relay executable running as the relay uid.
        var relay = await mesh.StartRelayAsync(mesh.A, MeshConfigs.Server());

        var ready = await AdminClient.GetStatusAsync(mesh.A, "/ready", TimeSpan.FromSeconds(5));
        var exitCode = await relay.StopAsync();

        Assert.Equal(200, ready);
        Assert.Equal(0, exitCode);
        Assert.True(relay.HasExited);
    }
}
