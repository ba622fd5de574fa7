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

    /// <summary>
    /// NativeAOT has no reflection serializer and trims the metadata it would need: a view missing
    /// from the source-generated context would be a 500 or an empty "{}" here, not in a JIT test.
    /// </summary>
    [Fact]
    public async Task AdminJson_FromTheShippedBinary_PrintsTheRunningConfigAndClusters()
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync();
        var relay = await mesh.StartRelayAsync(mesh.A, MeshConfigs.Server());

        var config = await AdminClient.GetAsync(mesh.A, "/config", TimeSpan.FromSeconds(5));
        var clusters = await AdminClient.GetAsync(mesh.A, "/clusters", TimeSpan.FromSeconds(5));

        Assert.NotNull(config);
        Assert.Equal(200, config.Value.Status);
        using var json = System.Text.Json.JsonDocument.Parse(config.Value.Body);
        Assert.Matches("^[0-9a-f]{12}$", json.RootElement.GetProperty("revision").GetString());
        Assert.Equal(await File.ReadAllTextAsync(relay.Config.Path), json.RootElement.GetProperty("config").GetString());
        // The AOT binary serialises the drift check and the (empty) reload list too: source-generated
        // metadata for types nested in the view, not reflection.
        var drift = json.RootElement.GetProperty("drift");
        Assert.Equal("in_sync", drift.GetProperty("state").GetString());
        Assert.Equal(json.RootElement.GetProperty("revision").GetString(), drift.GetProperty("fileRevision").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("recentReloads").GetArrayLength());
        Assert.NotNull(clusters);
        Assert.Equal(200, clusters.Value.Status);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, System.Text.Json.JsonDocument.Parse(clusters.Value.Body).RootElement.ValueKind);
        await relay.StopAsync();
    }
}
