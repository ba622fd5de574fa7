using System.Diagnostics;
using System.Text.Json;

namespace Relay.Bench.Load;

/// <summary>
/// <c>load [--quick] [--out DIR] [--relay PATH] [--skip-haproxy] [--targets a,b] [--profile]</c>: measures every target in one
/// run, prints the Markdown report and writes it with a chart and the raw figures to DIR.
/// </summary>
internal static class LoadCommand
{
    // Hard caps far above the expected ~12 min (default, all nine targets) and ~2.5 min (quick): a
    // hang cannot run on.
    private static readonly TimeSpan DefaultCap = TimeSpan.FromMinutes(25);
    private static readonly TimeSpan QuickCap = TimeSpan.FromMinutes(6);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args)
    {
        var options = LoadOptions.Parse(args, out var error);
        var relay = RelayBuild.Resolve(options.Relay);
        var withHaproxy = !options.SkipHaproxy && MachineInfo.IsInstalled("haproxy");
        error ??= Preflight.Check(relay, withHaproxy, options.Profile);
        if (error is not null)
        {
            Console.Error.WriteLine($"load: {error}");
            return 2;
        }
        if (!withHaproxy && !options.SkipHaproxy)
        {
            Console.Error.WriteLine($"load: haproxy is not installed, measuring without the HAProxy targets ({Preflight.InstallHint})");
        }
        try
        {
            // Before the cap starts: the run's time limit is for measuring, not compiling.
            await relay.PublishIfDefaultAsync(Console.Out, CancellationToken.None);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            Console.Error.WriteLine($"load: {ex.Message}");
            return 2;
        }
        using var cap = new CancellationTokenSource(options.Quick ? QuickCap : DefaultCap);
        using var processes = new ProcessGroup();
        return await RunAsync(options, relay, withHaproxy, processes, cap.Token);
    }

    private static async Task<int> RunAsync(LoadOptions options, RelayBuild relay, bool withHaproxy, ProcessGroup processes, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        var workspace = await BenchWorkspace.CreateAsync(withHaproxy, cancellationToken);
        try
        {
            var catalog = new TargetCatalog(workspace, processes, relay);
            var all = catalog.Build(withHaproxy);
            if (options.UnknownTargets(all.Select(t => t.Name)) is [_, ..] unknown)
            {
                // Before any measuring: a misspelt target used to be skipped silently.
                Console.Error.WriteLine($"load: unknown target(s) {string.Join(", ", unknown)} (this run has: {string.Join(", ", all.Select(t => t.Name))})");
                workspace.Delete();
                return 2;
            }
            await catalog.StartNginxAsync(cancellationToken);
            var runner = new TargetRunner(options, processes, Console.Out);
            var results = new List<TargetResult>();
            foreach (var target in TargetCatalog.Select(all, options.Targets))
            {
                results.Add(await runner.MeasureAsync(target, cancellationToken));
            }
            processes.KillAll();
            var info = new RunInfo(started, clock.Elapsed, MachineInfo.Describe(), options, [relay.Kind, .. MachineInfo.Versions(withHaproxy)]);
            await WriteAsync(options.OutDir, info, results, cancellationToken);
            workspace.Delete();
            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or OperationCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            Console.Error.WriteLine($"load: failed: {ex.Message}");
            Console.Error.WriteLine($"load: logs and configs kept in {workspace.Dir}");
            return 1;
        }
    }

    private static async Task WriteAsync(string outDir, RunInfo info, List<TargetResult> results, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outDir);
        var markdown = MarkdownReport.Render(info, results);
        await File.WriteAllTextAsync(Path.Combine(outDir, "results.md"), markdown, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(outDir, "throughput.svg"), SvgChart.Render(results), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(outDir, "results.json"), JsonSerializer.Serialize(new { info, results }, Json), cancellationToken);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"written: {Path.GetFullPath(outDir)}/results.md, throughput.svg, results.json");
    }
}
