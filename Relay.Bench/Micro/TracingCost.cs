using System.Diagnostics;
using System.Globalization;

namespace Relay.Bench.Micro;

/// <summary>
/// <c>Relay.Bench tracing-cost [--rounds N]</c>: the <see cref="TracingBenchmarks"/> setup (four
/// Relays side by side: tracing off, sampling 0, 0.01, 1), measured interleaved. Each round runs
/// every setting once (8 × 256 requests, 64 in flight) in a rotated order, so a load change on this
/// shared machine hits all four alike; BenchmarkDotNet runs them one after another, minutes apart,
/// and its ratios moved by ±50 % with the machine's load. Prints, per setting, the median of the
/// per-round throughput ratio to tracing off (same round), and the median requests/s.
/// </summary>
internal static class TracingCost
{
    private const int DefaultRounds = 30;

    /// <summary>Invocations (of 256 requests) per setting per round: one took ~60 ms here, and rounds that short gave an interquartile ratio range of 0.7–1.2.</summary>
    private const int PerRound = 8;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new ScenarioArgs(args, "--rounds");
        var rounds = options.Int("--rounds", DefaultRounds);
        if (options.Failed(Console.Error))
        {
            return 2;
        }
        var bench = new TracingBenchmarks();
        bench.Setup();
        try
        {
            Func<Task>[] settings = [bench.TracingOff, bench.Sampling0, bench.Sampling1Percent, bench.Sampling100Percent];
            string[] names = ["tracing off", "sampling 0", "sampling 0.01", "sampling 1"];
            for (var warm = 0; warm < 5; warm++)
            {
                foreach (var run in settings)
                {
                    await run();
                }
            }
            var rates = names.Select(_ => new List<double>()).ToArray();
            var ratios = names.Select(_ => new List<double>()).ToArray();
            var cpu = names.Select(_ => new List<double>()).ToArray();
            var cpuRatios = names.Select(_ => new List<double>()).ToArray();
            using var self = Process.GetCurrentProcess();
            for (var round = 0; round < rounds; round++)
            {
                var perRound = new double[settings.Length];
                var cpuPerRequest = new double[settings.Length];
                for (var k = 0; k < settings.Length; k++)
                {
                    var i = (round + k) % settings.Length;
                    self.Refresh();
                    var cpuBefore = self.TotalProcessorTime;
                    var started = Stopwatch.GetTimestamp();
                    for (var n = 0; n < PerRound; n++)
                    {
                        await settings[i]();
                    }
                    perRound[i] = PerRound * TracingBenchmarks.RequestsPerInvoke / Stopwatch.GetElapsedTime(started).TotalSeconds;
                    self.Refresh();
                    // CPU of the whole process (client, Relay, app, collector, exporter thread):
                    // what tracing adds shows as extra CPU per request even when the wall time is
                    // dominated by waiting for a core on the shared machine.
                    cpuPerRequest[i] = (self.TotalProcessorTime - cpuBefore).TotalMicroseconds / (PerRound * TracingBenchmarks.RequestsPerInvoke);
                }
                for (var i = 0; i < settings.Length; i++)
                {
                    rates[i].Add(perRound[i]);
                    ratios[i].Add(perRound[i] / perRound[0]);
                    cpu[i].Add(cpuPerRequest[i]);
                    cpuRatios[i].Add(cpuPerRequest[i] / cpuPerRequest[0]);
                }
            }
            Console.WriteLine($"| setting | median req/s | throughput ÷ off (median of {rounds} rounds) | p25–p75 | CPU µs/request | CPU ÷ off | p25–p75 |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            for (var i = 0; i < names.Length; i++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {names[i]} | {Median(rates[i]):F0} | {Median(ratios[i]):F3} | {Percentile(ratios[i], 0.25):F2}–{Percentile(ratios[i], 0.75):F2} | {Median(cpu[i]):F1} | {Median(cpuRatios[i]):F3} | {Percentile(cpuRatios[i], 0.25):F2}–{Percentile(cpuRatios[i], 0.75):F2} |"));
            }
            return 0;
        }
        finally
        {
            bench.Cleanup();
        }
    }

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Round(q * (sorted.Length - 1))];
    }
}
