using System.Globalization;
using Relay.Tests.Systemd;

namespace Relay.Tests.Detect;

/// <summary>
/// Fuzz smoke: 60 s of coverage-guided fuzzing of the detector (AFL++ driving SharpFuzz's
/// instrumentation of Relay.Core.Detect, Relay.Fuzz/README.md) from the committed seed corpus.
/// Fails on any crash (an exception, including a broken prefix-consistency property), any hang,
/// or a run that did not really fuzz (no executions, no coverage feedback).
/// </summary>
[Trait("Tier", "Fuzz")]
public sealed class DetectorFuzzTests
{
    private const int FuzzSeconds = 60;

    // Far below what a loaded 2-core machine does (~15,000 executions/s idle, so ~900k in 60 s):
    // fewer means the run was starved or the fork server kept dying, not that it fuzzed.
    private const long MinimumExecutions = 10_000;

    [Fact]
    public async Task Detector_SixtySecondsOfAflFuzzing_NoCrashNoHang()
    {
        var corpus = RepoFiles.PathOf("Relay.Fuzz/corpus/detect");
        var seeds = Directory.GetFiles(corpus).Length;
        Assert.True(seeds >= 30, $"seed corpus {corpus} has only {seeds} files");
        using var run = AflFuzzRun.Create();

        var instrumented = await run.InstrumentAsync();
        Assert.Contains("Relay.Core.Detect.ClientHelloPeek", instrumented, StringComparison.Ordinal);
        Assert.Contains("Relay.Core.Detect.HttpPrefaceParser", instrumented, StringComparison.Ordinal);

        var (exitCode, tail) = await run.FuzzAsync(corpus, FuzzSeconds);
        Assert.True(exitCode == 0, $"afl-fuzz exited with {exitCode}:\n{tail}");
        var stats = run.Stats();
        Assert.True(Number(stats, "saved_crashes") == 0, $"the detector crashed (replay: dotnet Relay.Fuzz/bin/Release/net10.0/Relay.Fuzz.dll replay FILE):\n{run.Saved("crashes")}");
        Assert.True(Number(stats, "saved_hangs") == 0, $"the detector hung (> 5 s on one input):\n{run.Saved("hangs")}");
        Assert.True(Number(stats, "execs_done") >= MinimumExecutions, $"only {stats["execs_done"]} executions in {FuzzSeconds} s:\n{tail}");
        // Coverage guidance worked: the instrumented branches reported edges, and AFL kept inputs
        // that reached new ones (a blind random loop would find none).
        Assert.True(Number(stats, "edges_found") > 0, "no instrumented edge was reported: the coverage map never reached afl-fuzz");
        Assert.True(Number(stats, "corpus_found") > 0, "afl-fuzz found no input with new coverage");
    }

    private static long Number(IReadOnlyDictionary<string, string> stats, string key) =>
        stats.TryGetValue(key, out var value) ? long.Parse(value, CultureInfo.InvariantCulture) : throw new InvalidOperationException($"fuzzer_stats has no {key}");
}
