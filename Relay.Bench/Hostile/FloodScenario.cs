using System.Diagnostics;
using System.Globalization;
using System.Text;
using Relay.Bench.Load;

namespace Relay.Bench.Hostile;

/// <summary>
/// <c>flood [--rounds 2] [--seconds 8] [--rate 200] [--hellos 10000] [--reconnects 1000] [--attacker-nice 0] [--attacker-cpu N] [--relay PATH] [--out FILE]</c>:
/// issue 17 §2 as a measurement. Relay A → mTLS → Relay B → nginx, with B at the shipped limits.
/// Each round measures a quiet phase, then the same phase while one source (127.0.0.2) keeps up to
/// --hellos stalled ClientHellos against B's inbound port. The targets: B's local apps' outbound
/// requests all succeed, and the mesh callers' p99 stays within 2× of the quiet phase.
/// </summary>
internal static class FloodScenario
{
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(15);

    // B's handshake deadline for unauthenticated peers is 3 s (limits.inbound_handshake_timeout):
    // 4 s after the flood stops it holds nothing from it any more.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(4);

    // Time for the flood to reach its steady state before measuring: the first 10,000 connects take
    // about 2 s on loopback at 128 in flight.
    private static readonly TimeSpan FloodRampUp = TimeSpan.FromSeconds(3);

    private sealed record Phase(string Name, LatencyResult KeepAlive, LatencyResult Direct, (List<double> Ms, int Failed) MeshFresh, (List<double> Ms, int Failed) Local, long RssBytes, double BCpuPerSecond, double AttackerCpuPerSecond, long ListenDrops, string Flood);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new ScenarioArgs(args, "--rounds", "--seconds", "--rate", "--hellos", "--reconnects", "--fresh", "--attacker-nice", "--attacker-cpu", "--relay", "--out");
        var rounds = options.Int("--rounds", 2);
        var seconds = options.Int("--seconds", 8);
        var rate = options.Int("--rate", 200);
        var hellos = options.Int("--hellos", 10_000);
        var reconnects = options.Int("--reconnects", 1_000);
        var fresh = options.Int("--fresh", 200);
        // On loopback the attacker's own CPU is taken from the 2 cores Relay, its peers and the
        // measuring client share; a real attacker's is on its own host. --attacker-nice 19 gives
        // the attacker only what the rest leaves idle; the report shows its CPU and the flood it
        // still kept up (hellos sent, resets), so both ways can be compared (docs/security.md).
        var attackerNice = options.Int("--attacker-nice", 0, min: 0, max: 19);
        // --attacker-cpu N: the attacker alone on CPU N, the scenario (started under taskset) on the
        // others: the closest loopback gets to an attacker on its own host (CpuPartition).
        int? attackerCpu = options.Text("--attacker-cpu") is null ? null : options.Int("--attacker-cpu", 0, min: 0, max: 1023);
        var relayPath = options.Text("--relay");
        var outFile = options.Text("--out");
        if (options.Failed(Console.Error))
        {
            return 2;
        }
        if (attackerCpu is { } cpu && CpuPartition.Problem(cpu, CpuPartition.Allowed(), CpuPartition.Online()) is { } problem)
        {
            Console.Error.WriteLine(problem);
            return 2;
        }
        var relay = RelayBuild.Resolve(relayPath);
        await relay.PublishIfDefaultAsync(Console.Out, CancellationToken.None);

        using var cap = new CancellationTokenSource(Cap);
        using var processes = new ProcessGroup();
        var workspace = await BenchWorkspace.CreateAsync(withHaproxy: false, cap.Token);
        try
        {
            var catalog = new TargetCatalog(workspace, processes, relay);
            await catalog.StartNginxAsync(cap.Token);
            var b = await catalog.StartRelayAsync("relay-b", RelayConfigs.FloodB(workspace), RelayConfigs.FloodLocalPort, cap.Token);
            await catalog.StartRelayAsync("relay-a", RelayConfigs.PairA(workspace), RelayConfigs.PairOutboundPort, cap.Token);
            var phases = new List<Phase>();
            for (var round = 1; round <= rounds; round++)
            {
                phases.Add(await MeasureAsync($"quiet {round}", b, rate, seconds, fresh, "-", cap.Token));
                var last = "";
                using (var attacker = FloodAttacker.Start(RelayConfigs.PairInboundPort, hellos, reconnects, attackerNice, attackerCpu, line => Volatile.Write(ref last, line)))
                {
                    await Task.Delay(FloodRampUp, cap.Token);
                    var during = await MeasureAsync($"flood {round}", b, rate, seconds, fresh, "", cap.Token, attacker);
                    phases.Add(during with { Flood = Volatile.Read(ref last) });
                    attacker.Kill();
                    await attacker.WaitForExitAsync(cap.Token);
                }
                await Task.Delay(Settle, cap.Token);
            }
            var report = Report(phases, relay, rate, seconds, fresh, hellos, reconnects, attackerNice, attackerCpu);
            Console.WriteLine(report);
            if (outFile is not null)
            {
                await File.WriteAllTextAsync(outFile, report, cap.Token);
            }
            return 0;
        }
        finally
        {
            processes.KillAll();
            workspace.Delete();
        }
    }

    private static async Task<Phase> MeasureAsync(string name, Process b, int rate, int seconds, int fresh, string flood, CancellationToken cancellationToken, Process? attacker = null)
    {
        var cpu = ProcStats.CpuSeconds(b.Id) ?? 0;
        var attackerCpu = attacker is null ? 0 : ProcStats.CpuSeconds(attacker.Id) ?? 0;
        var drops = ListenDrops.Read();
        var clock = Stopwatch.StartNew();
        var keepAlive = await new OpenLoopClient(RelayConfigs.PairOutboundPort, rate, 8, TimeSpan.FromSeconds(seconds)).RunAsync(cancellationToken);
        // The same load straight to nginx, no Relay: what the flood does to this machine's latency
        // on its own (the attacker, its SYNs and resets share the 2 cores with everything).
        var direct = await new OpenLoopClient(RelayConfigs.UpstreamPort, rate, 8, TimeSpan.FromSeconds(seconds)).RunAsync(cancellationToken);
        var meshFresh = await FreshRequests.RunAsync(RelayConfigs.PairOutboundPort, fresh, 4, cancellationToken);
        var local = await FreshRequests.RunAsync(RelayConfigs.FloodLocalPort, fresh, 4, cancellationToken);
        var busy = ((ProcStats.CpuSeconds(b.Id) ?? 0) - cpu) / clock.Elapsed.TotalSeconds;
        var attackerBusy = attacker is null ? 0 : ((ProcStats.CpuSeconds(attacker.Id) ?? 0) - attackerCpu) / clock.Elapsed.TotalSeconds;
        return new Phase(name, keepAlive, direct, meshFresh, local, ProcStats.RssBytes(b.Id) ?? 0, busy, attackerBusy, ListenDrops.Read() - drops, flood);
    }

    private static string Report(List<Phase> phases, RelayBuild relay, int rate, int seconds, int fresh, int hellos, int reconnects, int attackerNice, int? attackerCpu)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Inbound flood: stalled ClientHellos from one source against Relay B ({DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz})");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{relay.Kind}; {CpuPartition.Online().Count} cores; A → mTLS → B → nginx; B at the shipped limits. Per phase: mesh keep-alive at {rate} req/s over 8 connections for {seconds} s (open loop), then {fresh} fresh mesh requests (new mTLS each), then {fresh} fresh local-app outbound requests on B, 4 at a time. Flood (its own process): up to {hellos:N0} stalled hellos from 127.0.0.2, reopened at most {reconnects:N0}/s, measured from 3 s after it starts; attacker at nice {attackerNice}, {(attackerCpu is { } cpu ? $"alone on CPU {cpu}, everything else on CPUs {string.Join(',', CpuPartition.Allowed())}" : "on the same CPUs as everything else")}.");
        text.AppendLine();
        text.AppendLine("| phase | mesh keep-alive p50 / p99 (ms) | client send-late p99 (ms) | failed | no proxy p50 / p99 (ms) | mesh fresh p50 / p99 (ms) | failed | local outbound p99 (ms) | local failed | B RSS (MiB) | B CPU (cores) | attacker CPU (cores) | SYNs dropped, accept queue full |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in phases)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {p.Name} | {p.KeepAlive.P50Ms:F2} / {p.KeepAlive.P99Ms:F2} | {p.KeepAlive.SendLateP99Ms:F2} | {p.KeepAlive.Failed} | {p.Direct.P50Ms:F2} / {p.Direct.P99Ms:F2} | {Percentiles.Of(p.MeshFresh.Ms, 0.5):F2} / {Percentiles.Of(p.MeshFresh.Ms, 0.99):F2} | {p.MeshFresh.Failed} | {Percentiles.Of(p.Local.Ms, 0.99):F2} | {p.Local.Failed} of {p.Local.Ms.Count + p.Local.Failed} | {p.RssBytes / 1048576.0:F1} | {p.BCpuPerSecond:F2} | {p.AttackerCpuPerSecond:F2} | {p.ListenDrops:N0} |");
        }
        text.AppendLine();
        foreach (var p in phases.Where(p => p.Flood.Length > 1))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {p.Name}: {p.Flood}");
        }
        text.AppendLine();
        text.AppendLine("Flood ÷ quiet, same round (target: p99 ≤ 2×, local failed = 0):");
        text.AppendLine();
        text.AppendLine("| round | mesh keep-alive p99 | no proxy p99 (the machine) | mesh keep-alive added p99 (mesh − no proxy) | mesh fresh p99 | local failed under flood |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        for (var i = 0; i + 1 < phases.Count; i += 2)
        {
            var (quiet, flood) = (phases[i], phases[i + 1]);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {i / 2 + 1} | {Ratio(flood.KeepAlive.P99Ms, quiet.KeepAlive.P99Ms)} | {Ratio(flood.Direct.P99Ms, quiet.Direct.P99Ms)} | {Ratio(flood.KeepAlive.P99Ms - flood.Direct.P99Ms, quiet.KeepAlive.P99Ms - quiet.Direct.P99Ms)} | {Ratio(Percentiles.Of(flood.MeshFresh.Ms, 0.99), Percentiles.Of(quiet.MeshFresh.Ms, 0.99))} | {flood.Local.Failed} |");
        }
        return text.ToString();
    }

    private static string Ratio(double value, double baseline) => baseline > 0 ? (value / baseline).ToString("F2", CultureInfo.InvariantCulture) + "×" : "n/a";
}
