using Relay.Core.Config;
using Relay.Core.Lifecycle;
using Relay.Core.Runtime;

namespace Relay.Tests.Lifecycle;

/// <summary>The state directory keeps the last N applied configs; rollback goes back through the normal reload path.</summary>
[Trait("Tier", "Loopback")]
public sealed class HistoryAndRollbackTests
{
    [Fact]
    public async Task History_KeepsOnlyTheLastN_NewestFirst()
    {
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml("127.0.0.1:1000"), watch: false, historyLimit: 3);
        var revisions = new List<string> { f.Runtime.Current.Revision };
        for (var i = 1; i <= 4; i++)
        {
            await File.WriteAllTextAsync(f.ConfigPath, f.Yaml($"127.0.0.1:{1000 + i}"));
            revisions.Add((await f.Lifecycle.ReloadAsync("SIGHUP")).RunningRevision);
            await Task.Delay(5); // distinct millisecond stamps in the file names
        }

        var history = new ConfigHistory(f.StateDirectory, 3).List();

        Assert.Equal(revisions.AsEnumerable().Reverse().Take(3), history.Select(e => e.Revision));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(f.StateDirectory, "history")).Length);
        Assert.Equal(f.Yaml("127.0.0.1:1004"), history[0].Content);
    }

    [Fact]
    public async Task Rollback_Default_RestoresPreviousRevisionAndItsBehaviour()
    {
        using var echo = new Runtime.LoopbackEchoServer();
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml(echo.EndPoint.ToString()));
        var good = f.Runtime.Current.Revision;
        // A bad push: every connection to svc now goes to a closed port.
        await File.WriteAllTextAsync(f.ConfigPath, f.Yaml("127.0.0.1:1"));
        // The watcher may see the file between its truncation and its write (an empty or partial
        // mesh.yaml, rejected) before the full write: wait for the bad push to be applied.
        var applied = await f.WaitForAppliedAsync();
        Assert.NotEqual(good, applied.RunningRevision);
        Assert.Null(await f.EchoThroughRelayAsync("broken"));

        var (entry, error) = ConfigRollback.Choose(new ConfigHistory(f.StateDirectory, 10), LifecycleState.Read(f.StateDirectory), null);
        Assert.Null(error);
        var result = await ConfigRollback.RunAsync(f.ConfigPath, f.StateDirectory, entry!, LifecycleFixture.Wait, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Messages));
        Assert.Equal(good, f.Runtime.Current.Revision);
        Assert.Equal("works", await f.EchoThroughRelayAsync("works"));
        Assert.Equal(good, (await f.WaitForAppliedAsync(after: applied)).RunningRevision);
    }

    [Fact]
    public async Task Rollback_UnknownRevision_IsAnErrorAndWritesNothing()
    {
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml("127.0.0.1:1001"), watch: false);
        var before = await File.ReadAllTextAsync(f.ConfigPath);

        var (entry, error) = ConfigRollback.Choose(new ConfigHistory(f.StateDirectory, 10), LifecycleState.Read(f.StateDirectory), "ffffffff");

        Assert.Null(entry);
        Assert.Contains("not in the history", error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(f.ConfigPath));
    }

    [Fact]
    public async Task Status_ReportsInSync_ThenDrift_ThenInvalidWithErrors()
    {
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml("127.0.0.1:1001"), watch: false);
        Assert.Equal(DriftState.InSync, ConfigStatus.Read(f.ConfigPath, f.StateDirectory).Drift);

        await File.WriteAllTextAsync(f.ConfigPath, f.Yaml("127.0.0.1:1002"));
        Assert.Equal(DriftState.Drift, ConfigStatus.Read(f.ConfigPath, f.StateDirectory).Drift);

        await File.WriteAllTextAsync(f.ConfigPath, "mesh: { trust_domain: mesh.test }\nbogus: 1\n");
        var status = ConfigStatus.Read(f.ConfigPath, f.StateDirectory);
        Assert.Equal(DriftState.Invalid, status.Drift);
        Assert.Equal("bogus", Assert.Single(status.FileErrors).KeyPath);
        Assert.Equal(f.Runtime.Current.Revision, status.State!.RunningRevision);
    }

    [Fact]
    public void Status_NoStateFile_IsUnknown()
    {
        var dir = Directory.CreateTempSubdirectory("relay-status-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "mesh.yaml"), "mesh: { trust_domain: mesh.test }\n");
            var status = ConfigStatus.Read(Path.Combine(dir.FullName, "mesh.yaml"), Path.Combine(dir.FullName, "state"));
            Assert.Equal(DriftState.Unknown, status.Drift);
            Assert.NotNull(status.FileRevision);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
