using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Relay.Bench.Load;
using Relay.Core.Config;
using Relay.Core.Observability;
using Relay.Core.Runtime;

namespace Relay.Bench.Balance;

/// <summary>
/// What each balancer buys when one of three endpoints is slow (issue 13): three HTTP/1.1 apps,
/// one answering 50 ms later than the others, behind one in-process Relay (L7, a
/// <c>protocol: http</c> service) per policy, driven by the open-loop client at a fixed rate over
/// keep-alive connections. Reports each endpoint's share of the requests and the client's p50/p99,
/// every policy in the same run, so the comparison is against round-robin measured beside it.
/// </summary>
internal static class SlowEndpointScenario
{
    private static readonly string[] Policies = ["round-robin", "random", "least-request", "peak-ewma"];

    private static readonly TimeSpan SlowBy = TimeSpan.FromMilliseconds(50);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new ScenarioArgs(args, "--rate", "--seconds", "--connections", "--base-port", "--repeat");
        var rate = options.Int("--rate", 400);
        var seconds = options.Int("--seconds", 15);
        var connections = options.Int("--connections", 32);
        var basePort = options.Int("--base-port", 19400, min: 1024, max: 65_531);
        var repeat = options.Int("--repeat", 3);
        if (options.Failed(Console.Error))
        {
            return 2;
        }
        var upstreams = new List<CountingUpstream>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                upstreams.Add(await CountingUpstream.StartAsync(basePort + 1 + i, i == 2 ? SlowBy : TimeSpan.Zero));
            }
            var rows = new List<Row>();
            // Rounds interleave the policies, so a burst of load from elsewhere on the machine
            // falls on one round of each rather than on all rounds of one policy.
            for (var round = 0; round < repeat; round++)
            {
                foreach (var policy in Policies)
                {
                    rows.Add(await MeasureAsync(policy, upstreams, basePort, rate, seconds, connections));
                    Console.Error.WriteLine($"balance: round {round + 1} {policy} done");
                }
            }
            Console.WriteLine(Table(rows, rate, seconds, connections, repeat));
            return 0;
        }
        finally
        {
            foreach (var upstream in upstreams)
            {
                await upstream.DisposeAsync();
            }
        }
    }

    private static async Task<Row> MeasureAsync(string policy, List<CountingUpstream> upstreams, int basePort, int rate, int seconds, int connections)
    {
        var listen = basePort;
        var endpoints = string.Join(", ", upstreams.Select(u => $"\"127.0.0.1:{u.Port}\""));
        var yaml = $$"""
            mesh: { trust_domain: bench.test }
            capture: { outbound_port: {{basePort + 10}}, inbound_port: {{basePort + 11}}, ipv6: false }
            admin: { address: "127.0.0.1:{{basePort + 12}}" }
            limits: { drain_timeout: 1s }
            services:
              app: { port: 80, endpoints: [{{endpoints}}], mesh_tls: false, protocol: http, load_balancing: {{policy}} }
            listeners:
              - { address: "127.0.0.1:{{listen}}", direction: outbound, service: app }
            """;
        var loaded = ConfigLoader.LoadText(yaml, "balance.yaml");
        var config = loaded.Snapshot ?? throw new InvalidOperationException(string.Join("; ", loaded.Errors));
        var (runtime, errors) = RelayRuntime.Create(config, new RelayMetrics(), NullLoggerFactory.Instance);
        await using var relay = runtime ?? throw new InvalidOperationException(string.Join("; ", errors));
        await relay.StartAsync();
        // Warm-up: JIT, pools, and the balancers' latency estimates.
        await new OpenLoopClient(listen, rate, connections, TimeSpan.FromSeconds(3)).RunAsync(CancellationToken.None);
        var before = upstreams.Select(u => u.Served).ToArray();
        var latency = await new OpenLoopClient(listen, rate, connections, TimeSpan.FromSeconds(seconds)).RunAsync(CancellationToken.None);
        var served = upstreams.Select((u, i) => u.Served - before[i]).ToArray();
        await relay.DrainAsync();
        return new Row(policy, served, latency);
    }

    private static string Table(List<Row> rows, int rate, int seconds, int connections, int repeat)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Slow endpoint: 3 HTTP/1.1 endpoints, endpoint 3 answers {SlowBy.TotalMilliseconds:0} ms later; open loop {rate} req/s for {seconds} s over {connections} keep-alive connections, 1 KiB responses, one in-process Relay (L7) per policy; {repeat} interleaved rounds, medians (p99 of each round in brackets).");
        text.AppendLine();
        text.AppendLine("| policy | endpoint 1 | endpoint 2 | endpoint 3 (slow) | completed | failed | p50 ms | p99 ms | p99 / round-robin |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        var baseline = Median(rows.Where(r => r.Policy == "round-robin").Select(r => r.Latency.P99Ms));
        foreach (var policy in Policies)
        {
            var runs = rows.Where(r => r.Policy == policy).ToList();
            var served = Enumerable.Range(0, 3).Select(i => runs.Sum(r => r.Served[i])).ToArray();
            var total = Math.Max(1, served.Sum());
            var shares = string.Join(" | ", served.Select(s => $"{100.0 * s / total:0.0}%"));
            var p99 = Median(runs.Select(r => r.Latency.P99Ms));
            var each = string.Join(", ", runs.Select(r => r.Latency.P99Ms.ToString("0.0", CultureInfo.InvariantCulture)));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {policy} | {shares} | {runs.Sum(r => r.Latency.Completed)} | {runs.Sum(r => r.Latency.Failed)} | {Median(runs.Select(r => r.Latency.P50Ms)):0.00} | {p99:0.00} [{each}] | {p99 / baseline:0.00} |");
        }
        return text.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record Row(string Policy, long[] Served, LatencyResult Latency);
}
