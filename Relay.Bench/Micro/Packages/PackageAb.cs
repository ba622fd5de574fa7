using System.Diagnostics;
using System.Globalization;

namespace Relay.Bench.Micro.Packages;

/// <summary>
/// <c>Relay.Bench package-ab [--rounds N]</c>: issue 16's package A/Bs measured interleaved, on the
/// setups of <see cref="CopierPackageBenchmarks"/>, <see cref="TlsPackageRecordBenchmarks"/> and
/// <see cref="TlsPackageHandshakeBenchmarks"/>. Each round runs, per shape, today's choice and each
/// package variant back to back in a rotated order, so a load change on this shared machine hits
/// them alike (BenchmarkDotNet measures one method after another, seconds apart, and its ratios
/// moved by 2× between runs here). Prints per variant the median over rounds of its time and of
/// its process CPU per op, each as a ratio to today's choice in the same round, with p25–p75.
/// </summary>
internal static class PackageAb
{
    private const int DefaultRounds = 40;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new ScenarioArgs(args, "--rounds");
        var rounds = options.Int("--rounds", DefaultRounds);
        if (options.Failed(Console.Error))
        {
            return 2;
        }
        var copier = new CopierPackageBenchmarks();
        var record = new TlsPackageRecordBenchmarks();
        var handshake = new TlsPackageHandshakeBenchmarks();
        copier.Setup();
        record.Setup();
        handshake.Setup();
        try
        {
            // Invocations per variant per round: ~50-200 ms each at this machine's speed under load.
            Shape[] shapes =
            [
                new("copy rr-c1 (per round trip)", 1, 200, [("DuplexCopier", copier.CopierC1), ("SocketConnection", copier.PipesC1), ("SocketConnection tuned", copier.TunedC1)]),
                new("copy rr-c64 (per round trip)", 64, 10, [("DuplexCopier", copier.CopierC64), ("SocketConnection", copier.PipesC64), ("SocketConnection tuned", copier.TunedC64)]),
                new("copy bulk (per 16 MiB)", 1, 3, [("DuplexCopier", copier.CopierBulk), ("SocketConnection", copier.PipesBulk), ("SocketConnection tuned", copier.TunedBulk)]),
                new("TLS record rr-c64 (per round trip)", 64, 10, [("SslStream", record.SslStream), ("BouncyCastle", record.BouncyCastle)]),
                new("TLS full handshake (per handshake)", 1, 10, [("SslStream", handshake.SslStreamFull), ("BouncyCastle", handshake.BouncyCastleFull)]),
            ];
            foreach (var shape in shapes)
            {
                await shape.WarmAsync();
            }
            for (var round = 0; round < rounds; round++)
            {
                foreach (var shape in shapes)
                {
                    await shape.RoundAsync(round);
                }
            }
            Console.WriteLine($"| shape | variant | median µs/op | time ÷ baseline (median of {rounds} rounds) | p25–p75 | CPU µs/op | CPU ÷ baseline | p25–p75 |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (var shape in shapes)
            {
                shape.Print();
            }
            return 0;
        }
        finally
        {
            copier.Cleanup();
            record.Cleanup();
            handshake.Cleanup();
        }
    }

    private sealed class Shape(string name, int opsPerInvoke, int invocations, (string Name, Func<Task> Run)[] variants)
    {
        private readonly List<double>[] _time = [.. variants.Select(_ => new List<double>())];
        private readonly List<double>[] _cpu = [.. variants.Select(_ => new List<double>())];

        public async Task WarmAsync()
        {
            foreach (var (_, run) in variants)
            {
                for (var n = 0; n < invocations; n++)
                {
                    await run();
                }
            }
        }

        public async Task RoundAsync(int round)
        {
            using var self = Process.GetCurrentProcess();
            for (var k = 0; k < variants.Length; k++)
            {
                var i = (round + k) % variants.Length;
                self.Refresh();
                var cpuBefore = self.TotalProcessorTime;
                var started = Stopwatch.GetTimestamp();
                for (var n = 0; n < invocations; n++)
                {
                    await variants[i].Run();
                }
                var ops = (double)invocations * opsPerInvoke;
                _time[i].Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds / ops);
                self.Refresh();
                // Both ends of every connection are in this process: its CPU per op is what the
                // variant costs, even when the wall time is mostly waiting for a core.
                _cpu[i].Add((self.TotalProcessorTime - cpuBefore).TotalMicroseconds / ops);
            }
        }

        public void Print()
        {
            for (var i = 0; i < variants.Length; i++)
            {
                var timeRatios = _time[i].Zip(_time[0], (v, b) => v / b).ToList();
                var cpuRatios = _cpu[i].Zip(_cpu[0], (v, b) => v / b).ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {variants[i].Name} | {Median(_time[i]):F1} | {Median(timeRatios):F2} | {Percentile(timeRatios, 0.25):F2}–{Percentile(timeRatios, 0.75):F2} | {Median(_cpu[i]):F1} | {Median(cpuRatios):F2} | {Percentile(cpuRatios, 0.25):F2}–{Percentile(cpuRatios, 0.75):F2} |"));
            }
        }
    }

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Round(q * (sorted.Length - 1))];
    }
}
