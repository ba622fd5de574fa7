using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Relay.Core.Lifecycle;
using Relay.Tests.Root.Infrastructure;
using Xunit.Abstractions;

namespace Relay.Tests.Root;

/// <summary>
/// Issue 4's reload-under-load test: while host A opens ≥ 200 connections/s to service echo on B and 20
/// long-lived streams push data to B's sink, A's mesh.yaml is rewritten 50 times (valid and invalid
/// alternately, in place and by rename). No connection may fail, every stream must arrive intact, every
/// valid revision must become the running one and no invalid one ever may. Figures go to the test output
/// and to /tmp/relay-reload-under-load.txt for the issue note.
/// </summary>
[Trait("Tier", "Root")]
[Collection(RootCollection.Name)]
public sealed partial class ReloadUnderLoadTests(ITestOutputHelper output)
{
    private const int Edits = 50;
    private const int Streams = 20;

    /// <summary>150 chunks of 64 KiB, one per 200 ms: each stream lasts ~30 s, 20 of them ≈ 6.4 MB/s in total.</summary>
    private const long StreamBytes = 150L * DataSource.ChunkSize;

    private static readonly TimeSpan StreamPace = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LoadDuration = TimeSpan.FromSeconds(30);

    /// <summary>50 edits × 560 ms = 28 s: all of them land inside the 30 s of load.</summary>
    private static readonly TimeSpan EditEvery = TimeSpan.FromMilliseconds(560);

    /// <summary>Debounce 250 ms + reload; 5 s only matters when something is wrong.</summary>
    private static readonly TimeSpan ReloadWait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ReloadUnderLoad_FiftyEdits_NoFailedConnections_OnlyValidRevisionsRun()
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync();
        await using var echo = EchoServer.Start(mesh.B, ReloadConfigScript.EchoPort, maxConnections: 20_000);
        await using var sink = HashSink.Start(mesh.B, ReloadConfigScript.SinkPort, maxConnections: 64);
        await mesh.StartRelayAsync(mesh.B, new MeshYamlOptions { InboundPorts = [ReloadConfigScript.EchoPort, ReloadConfigScript.SinkPort] });
        var script = new ReloadConfigScript(mesh.B, (await RelayUser.EnsureAsync()).Name);
        var relayA = await mesh.StartRelayAsync(mesh.A, script.Current);

        var load = new ReloadLoad(mesh.A, new IPEndPoint(mesh.B.IPv4!, ReloadConfigScript.EchoPort));
        var loadTask = load.RunAsync(LoadDuration);
        var streams = Enumerable.Range(0, Streams).Select(_ => StreamAsync(mesh)).ToArray();
        var edits = await EditAllAsync(mesh, relayA, script);
        await loadTask;
        var transfers = await Task.WhenAll(streams);
        // Anything the watcher would still do (a second reload of one edit) shows up within debounce + poll.
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Report(load, edits, transfers, ReloadLines(relayA).Count);
        Assert.True(load.Failures.Count == 0, $"{load.Failures.Count} failed connections:\n{string.Join('\n', load.Failures.Take(20))}\n{relayA}");
        Assert.True(load.Attempted >= 200 * LoadDuration.TotalSeconds * 0.95, $"only {load.Attempted} connections attempted");
        Assert.All(transfers, t => Assert.True(t.Intact, $"stream sent {t.SentBytes}, sink saw {t.ReceivedBytes}"));
        Assert.Equal(Edits, ReloadLines(relayA).Count);
        var applied = ReloadLines(relayA).Where(l => l.Outcome == "applied").Select(l => l.Revision).ToHashSet();
        Assert.Equal(edits.Where(e => e.Valid).Select(e => e.Revision).ToHashSet(), applied);
    }

    private static async Task<List<EditResult>> EditAllAsync(MeshTopology mesh, RelayProcess relay, ReloadConfigScript script)
    {
        var results = new List<EditResult>();
        var clock = Stopwatch.StartNew();
        var running = (await WaitForStateAsync(relay)).RunningRevision;
        for (var k = 0; k < Edits; k++)
        {
            await Task.Delay(EditEvery * (k + 1) - clock.Elapsed is { Ticks: > 0 } wait ? wait : TimeSpan.Zero);
            var (yaml, valid, kind) = script.Edit(k);
            var revision = ReloadConfigScript.Revision(yaml);
            var before = ReloadLines(relay).Count;
            var written = Stopwatch.StartNew();
            await WriteAsync(relay.Config.Path, yaml, inPlace: k % 4 < 2);
            var line = await WaitForReloadLineAsync(relay, before, ReloadWait);
            var effect = written.Elapsed;
            var state = LifecycleState.Read(relay.StateDirectory)!;
            if (valid)
            {
                Assert.True(line.Outcome == "applied" && line.Revision == revision, $"edit {k} ({kind}) valid {revision}, got {line}\n{relay}");
                running = revision;
                if (kind.StartsWith("inbound", StringComparison.Ordinal))
                {
                    await AssertInboundCaptureAsync(mesh, script.InboundPortCaptured);
                }
            }
            else
            {
                Assert.True(line.Outcome == "Rejected", $"edit {k} ({kind}) invalid, got {line}\n{relay}");
            }
            Assert.Equal(running, state.RunningRevision);
            results.Add(new EditResult(k, kind, valid, revision, effect, line.DurationMs));
        }
        return results;
    }

    /// <summary>The daemon writes its first state right after "ready"; the harness returns on that line.</summary>
    private static async Task<LifecycleState> WaitForStateAsync(RelayProcess relay)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (LifecycleState.Read(relay.StateDirectory) is { } state)
            {
                return state;
            }
            Assert.True(clock.Elapsed < ReloadWait, $"no state file under {relay.StateDirectory}\n{relay}");
            await Task.Delay(50);
        }
    }

    /// <summary>Ansible-style temp+rename, or an editor's in-place truncate-and-write.</summary>
    private static async Task WriteAsync(string path, string yaml, bool inPlace)
    {
        if (inPlace)
        {
            await File.WriteAllTextAsync(path, yaml);
            return;
        }
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, yaml);
        File.Move(temp, path, overwrite: true);
    }

    private static async Task AssertInboundCaptureAsync(MeshTopology mesh, bool captured)
    {
        var rules = (await mesh.A.ExecAsync("iptables-save", "-t", "nat")).Stdout;
        Assert.Equal(captured, rules.Contains($"--dport {ReloadConfigScript.ExtraInboundPort}", StringComparison.Ordinal));
    }

    private static async Task<TransferResult> StreamAsync(MeshTopology mesh)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var socket = await mesh.A.ConnectAsync(new IPEndPoint(mesh.B.IPv4!, ReloadConfigScript.SinkPort), TcpExchange.DefaultTimeout);
        return await DataSource.SendToSinkAsync(socket, StreamBytes, StreamPace, null, timeout.Token);
    }

    private static async Task<ReloadLine> WaitForReloadLineAsync(RelayProcess relay, int before, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (ReloadLines(relay).Count <= before)
        {
            Assert.True(clock.Elapsed < timeout, $"no reload within {timeout.TotalSeconds} s of the write\n{relay}");
            await Task.Delay(10);
        }
        return ReloadLines(relay)[before];
    }

    private static List<ReloadLine> ReloadLines(RelayProcess relay) => relay.Lines
        .Select(l => ReloadLinePattern().Match(l))
        .Where(m => m.Success)
        .Select(m => new ReloadLine(m.Groups["outcome"].Value, m.Groups["rev"].Value,
            m.Groups["ms"].Success ? double.Parse(m.Groups["ms"].Value, CultureInfo.InvariantCulture) : 0))
        .ToList();

    private void Report(ReloadLoad load, List<EditResult> edits, TransferResult[] transfers, int reloadLines)
    {
        var applied = edits.Where(e => e.Valid).ToList();
        var effects = applied.Select(e => e.Effect.TotalMilliseconds).Order().ToList();
        var text = string.Create(CultureInfo.InvariantCulture, $"""
            reload under load: {LoadDuration.TotalSeconds:F0} s, {ReloadLoad.Workers} workers
            connections attempted: {load.Attempted} ({load.Attempted / LoadDuration.TotalSeconds:F0}/s), failed: {load.Failures.Count}
            streams: {transfers.Length}, intact: {transfers.Count(t => t.Intact)}, bytes each: {StreamBytes}
            edits: {edits.Count}, reload log lines: {reloadLines}, applied: {applied.Count}, rejected: {edits.Count(e => !e.Valid)}
            write→running (valid, observed by the test): median {effects[effects.Count / 2]:F0} ms, max {effects[^1]:F0} ms
            reload apply time (daemon): median {applied.Select(e => e.ApplyMs).Order().ElementAt(applied.Count / 2):F1} ms, max {applied.Max(e => e.ApplyMs):F1} ms
            """);
        output.WriteLine(text);
        File.WriteAllText("/tmp/relay-reload-under-load.txt", text + "\n");
    }

    private sealed record EditResult(int Index, string Kind, bool Valid, string Revision, TimeSpan Effect, double ApplyMs);

    private sealed record ReloadLine(string Outcome, string Revision, double DurationMs);

    [GeneratedRegex(@"reload \(\w+\) (?<outcome>applied|unchanged|Rejected|Failed)(?::| revision)? (?:revision )?(?<rev>[0-9a-f-]+)?(?: in (?<ms>[0-9.]+) ms)?")]
    private static partial Regex ReloadLinePattern();
}
