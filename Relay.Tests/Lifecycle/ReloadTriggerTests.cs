using Relay.Core.Lifecycle;
using Relay.Core.Runtime;

namespace Relay.Tests.Lifecycle;

/// <summary>Every way an operator or a tool changes mesh.yaml causes exactly one reload, of the new content.</summary>
[Trait("Tier", "Loopback")]
public sealed class ReloadTriggerTests
{
    [Fact]
    public async Task Watch_InPlaceWrite_ReloadsOnceWithNewContent()
    {
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml("127.0.0.1:1001"));

        await File.WriteAllTextAsync(f.ConfigPath, f.Yaml("127.0.0.1:1002"));

        await AssertOneReloadOfAsync(f, "127.0.0.1:1002");
    }

    [Fact]
    public async Task Watch_WriteTempThenRename_ReloadsOnceWithNewContent()
    {
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml("127.0.0.1:1001"));

        var temp = Path.Combine(f.Directory, ".mesh.yaml.tmp");
        await File.WriteAllTextAsync(temp, f.Yaml("127.0.0.1:1002"));
        File.Move(temp, f.ConfigPath, overwrite: true);

        await AssertOneReloadOfAsync(f, "127.0.0.1:1002");
    }

    [Fact]
    public async Task Watch_SymlinkSwap_ReloadsOnceWithNewContent()
    {
        await using var f = new LifecycleFixture();
        // Deployment layout: mesh.yaml -> releases/N/mesh.yaml, switched with a rename of a new link.
        var v1 = WriteRelease(f, "1", f.Yaml("127.0.0.1:1001"));
        var link = Path.Combine(f.Directory, "link.yaml");
        File.CreateSymbolicLink(link, v1);
        await f.StartAsync(f.Yaml("127.0.0.1:1001"));
        File.Delete(f.ConfigPath);
        File.Move(link, f.ConfigPath);
        await LifecycleFixture.SettleAsync();
        Assert.Empty(f.Reports); // same bytes behind the link: not a change

        var v2 = WriteRelease(f, "2", f.Yaml("127.0.0.1:1002"));
        File.CreateSymbolicLink(link, v2);
        File.Move(link, f.ConfigPath, overwrite: true);

        await AssertOneReloadOfAsync(f, "127.0.0.1:1002");
    }

    [Fact]
    public async Task Watch_DeleteThenRecreate_ReloadsOnceWithNewContent()
    {
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml("127.0.0.1:1001"));

        File.Delete(f.ConfigPath);
        // Longer than the debounce: the watcher sees the file missing and must wait, not fail.
        await Task.Delay(ConfigFileWatcher.DefaultDebounce * 2);
        await File.WriteAllTextAsync(f.ConfigPath, f.Yaml("127.0.0.1:1002"));

        await AssertOneReloadOfAsync(f, "127.0.0.1:1002");
    }

    [Fact]
    public async Task Sighup_AfterWrite_ReloadsOnce_WatcherDoesNotRepeatIt()
    {
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml("127.0.0.1:1001"));

        await File.WriteAllTextAsync(f.ConfigPath, f.Yaml("127.0.0.1:1002"));
        var report = await f.Lifecycle.ReloadAsync("SIGHUP");

        Assert.Equal(("SIGHUP", ReloadOutcome.Applied), (report.Trigger, report.Outcome));
        await AssertOneReloadOfAsync(f, "127.0.0.1:1002");
    }

    [Fact]
    public async Task Sighup_Unchanged_ReportsUnchanged_NoHistoryEntry()
    {
        await using var f = new LifecycleFixture();
        await f.StartAsync(f.Yaml("127.0.0.1:1001"), watch: false);

        var report = await f.Lifecycle.ReloadAsync("SIGHUP");

        Assert.Equal(ReloadOutcome.Unchanged, report.Outcome);
        Assert.Single(new ConfigHistory(f.StateDirectory, 10).List());
        Assert.Equal(["RELOADING=1", $"READY=1 STATUS=running revision {report.RunningRevision}"], f.Notifier.Messages);
    }

    private static string WriteRelease(LifecycleFixture f, string name, string yaml)
    {
        var dir = Directory.CreateDirectory(Path.Combine(f.Directory, "releases", name));
        var path = Path.Combine(dir.FullName, "mesh.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static async Task AssertOneReloadOfAsync(LifecycleFixture f, string endpoint)
    {
        var report = await f.WaitForReportAsync(1);
        await LifecycleFixture.SettleAsync();
        Assert.Equal(ReloadOutcome.Applied, report.Outcome);
        Assert.Single(f.Reports);
        Assert.Equal(report.RunningRevision, f.Runtime.Current.Revision);
        Assert.Equal(endpoint, f.Runtime.Current.Services.Single().Endpoints.Single().ToString());
    }
}
