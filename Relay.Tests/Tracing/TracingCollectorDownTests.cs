using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Relay.Tests.Http;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Tracing;

/// <summary>
/// Tracing at 100 % sampling with the collector down never blocks or slows requests: the spans go
/// to the SDK's bounded queue, drained by its own thread, and a full queue drops (counted in
/// relay_trace_spans_dropped_total). Each test first runs the same requests against a healthy
/// collector (the baseline, same test), then against a dead one.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed partial class TracingCollectorDownTests
{
    /// <summary>Sequential keep-alive requests per phase; each makes two spans (server and client).</summary>
    private const int Requests = 150;

    /// <summary>Long enough that a blackholed export is still hanging while every request is sent.</summary>
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Per phase: the loop stops here whatever it reached (the count is then asserted).</summary>
    private static readonly TimeSpan PhaseDeadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("http_protobuf", "/v1/traces")]
    [InlineData("grpc", "")]
    public async Task Blackhole_AcceptingButNeverAnswering_RequestsStayFast_AndTheFullQueueDropsAndCounts(string protocol, string path)
    {
        await using var app = await HeaderApp.StartAsync();
        var baseline = await BaselineAsync(app);
        using var blackhole = BlackholeCollector.Start();

        await using var relay = await StartAsync(app, $"http://127.0.0.1:{blackhole.Port}{path}", protocol);
        var down = await SendAsync(relay);

        AssertNotSlowed(baseline, down);
        await Eventually.TrueAsync(() => blackhole.Bytes > 0, TimeSpan.FromSeconds(30));
        var scrape = relay.Relay.Exporter.Scrape();
        Assert.Equal(2 * Requests, Counter(scrape, "relay_trace_spans_total"));
        // 300 spans into a 32-span queue whose one export hangs for 5 s: most must be dropped.
        Assert.True(Counter(scrape, "relay_trace_spans_dropped_total") >= Requests, scrape);
        var stopping = Stopwatch.StartNew();
        await relay.DisposeAsync();
        // The final flush is bounded by the export timeout (plus the export already hanging).
        Assert.True(stopping.Elapsed < ExportTimeout * 4, $"stopping took {stopping.Elapsed}");
    }

    [Fact]
    public async Task ClosedPort_RequestsStayFast_AndEverySpanIsCounted()
    {
        await using var app = await HeaderApp.StartAsync();
        var baseline = await BaselineAsync(app);

        await using var relay = await StartAsync(app, $"http://127.0.0.1:{FreePorts.Next()}/v1/traces", "http_protobuf");
        var down = await SendAsync(relay);

        AssertNotSlowed(baseline, down);
        Assert.Equal(2 * Requests, Counter(relay.Relay.Exporter.Scrape(), "relay_trace_spans_total"));
    }

    /// <summary>The same requests with a healthy collector, which receives every span.</summary>
    private static async Task<List<TimeSpan>> BaselineAsync(HeaderApp app)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var relay = await StartAsync(app, receiver.Endpoint, "http_protobuf");
        var latencies = await SendAsync(relay);
        Assert.True(relay.Relay.Runtime.Tracing.Flush());
        // Every span offered is either received or counted dropped (a loaded machine can outrun
        // the 32-span queue even with a healthy collector).
        var scrape = relay.Relay.Exporter.Scrape();
        Assert.Equal(2 * Requests, Counter(scrape, "relay_trace_spans_total"));
        var dropped = Counter(scrape, "relay_trace_spans_dropped_total");
        await Eventually.TrueAsync(() => receiver.Count == 2 * Requests - dropped, TimeSpan.FromSeconds(30));
        Assert.True(receiver.Count > 0);
        return latencies;
    }

    private static void AssertNotSlowed(List<TimeSpan> baseline, List<TimeSpan> down)
    {
        Assert.Equal(Requests, down.Count);
        // No request waited on an export: each is far below the exporter's timeout...
        Assert.True(down.Max() < ExportTimeout, $"slowest request {down.Max()}");
        // ...and the typical one is where the healthy run's was (generous: the machine is shared).
        var (before, after) = (Median(baseline), Median(down));
        Assert.True(after <= before * 4 + TimeSpan.FromMilliseconds(25), $"median {after} with the collector down, {before} with it up");
    }

    private static async Task<TracedRelay> StartAsync(HeaderApp app, string endpoint, string protocol)
    {
        var relay = await L7Relay.StartAsync(app.EndPoint.ToString(), "http", out var listen, extra:
            $"tracing: {{ otlp_endpoint: \"{endpoint}\", protocol: {protocol}, sampling_ratio: 1, "
            + $"max_queue_size: 32, max_export_batch_size: 8, schedule_delay: 100ms, export_timeout: {ExportTimeout.TotalSeconds}s }}\n");
        return new TracedRelay(relay, listen);
    }

    /// <summary>Sequential requests on one keep-alive connection, each timed; bounded in count and time.</summary>
    private static async Task<List<TimeSpan>> SendAsync(TracedRelay relay)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{relay.Listen}"), Timeout = PhaseDeadline };
        var latencies = new List<TimeSpan>(Requests);
        var deadline = Stopwatch.StartNew();
        for (var i = 0; i < Requests && deadline.Elapsed < PhaseDeadline; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync($"/r/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            latencies.Add(Stopwatch.GetElapsedTime(started));
        }
        return latencies;
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);

    private static long Counter(string scrape, string name)
    {
        var match = Regex.Match(scrape, $"^{name} (\\d+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"{name} not in the scrape:\n{scrape}");
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed record TracedRelay(LoopbackRelay Relay, int Listen) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Relay.DisposeAsync();
    }
}
