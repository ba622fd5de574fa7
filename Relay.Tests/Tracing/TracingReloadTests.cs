using System.Net;
using System.Text.RegularExpressions;
using Relay.Core.Config;
using Relay.Core.Runtime;
using Relay.Tests.Http;
using Relay.Tests.Lifecycle;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Tracing;

/// <summary>
/// A reload applies the tracing section: ratio, endpoint, and tracing added or removed. Requests
/// in flight finish under the tracing they began with, their spans exported once, by it.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed partial class TracingReloadTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Reload_FromRatioZeroToOne_SpansStartArrivingAtTheReceiver()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var app = await HeaderApp.StartAsync();
        await using var relay = await L7Relay.StartAsync(app.EndPoint.ToString(), "http", out var listen, extra: Tracing(receiver, "0"));
        using var client = Client(listen);

        await SendAsync(client, 5);
        Assert.True(relay.Runtime.Tracing.Flush());
        Assert.Equal(0, receiver.Count);

        Assert.Empty(await relay.Runtime.ApplyAsync(relay.Reconfigure(L7Relay.Sections(app.EndPoint.ToString(), "http", listen, extra: Tracing(receiver, "1")))));
        await SendAsync(client, 5);
        Assert.True(relay.Runtime.Tracing.Flush());

        // Five new traces, each a server and a client span, each trace id the one the app saw.
        await Eventually.TrueAsync(() => receiver.Count == 10, Wait);
        foreach (var trace in app.Seen.Skip(5).Select(h => TraceId(h["traceparent"])))
        {
            Assert.Equal(2, receiver.Spans(trace).Count);
        }
        // The ratio-0 requests still said "not sampled" downstream, the ratio-1 ones "sampled".
        Assert.All(app.Seen.Take(5), h => Assert.EndsWith("-00", h["traceparent"]));
        Assert.All(app.Seen.Skip(5), h => Assert.EndsWith("-01", h["traceparent"]));
    }

    [Fact]
    public async Task Reload_AddingThenRemovingTracing_StartsThenStopsSpansAndPropagation()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var app = await HeaderApp.StartAsync();
        await using var relay = await L7Relay.StartAsync(app.EndPoint.ToString(), "http", out var listen);
        using var client = Client(listen);
        var sections = L7Relay.Sections(app.EndPoint.ToString(), "http", listen);

        await SendAsync(client, 2);
        Assert.Empty(await relay.Runtime.ApplyAsync(relay.Reconfigure(sections + Tracing(receiver, "1"))));
        await SendAsync(client, 3);
        Assert.True(relay.Runtime.Tracing.Flush());
        await Eventually.TrueAsync(() => receiver.Count == 6, Wait);
        Assert.Empty(await relay.Runtime.ApplyAsync(relay.Reconfigure(sections)));
        await SendAsync(client, 4);

        // Off, on, off: headers untouched without tracing, a sampled traceparent with it.
        var seen = app.Seen;
        Assert.All(seen.Take(2).Concat(seen.Skip(5)), h => Assert.False(h.ContainsKey("traceparent")));
        Assert.All(seen.Skip(2).Take(3), h => Assert.EndsWith("-01", h["traceparent"]));
        Assert.Null(relay.Runtime.Tracing.Current);
        await Task.Delay(500);
        Assert.Equal(6, receiver.Count);
    }

    [Fact]
    public async Task Reload_ChangingTheEndpoint_MidRequest_TheRequestFinishes_AndEachCollectorGetsItsOwnSpansOnce()
    {
        await using var before = await OtlpReceiver.StartAsync();
        await using var after = await OtlpReceiver.StartAsync();
        await using var app = await HeaderApp.StartAsync();
        await using var relay = await L7Relay.StartAsync(app.EndPoint.ToString(), "http", out var listen, extra: Tracing(before, "1"));
        using var client = Client(listen);
        var sections = L7Relay.Sections(app.EndPoint.ToString(), "http", listen);

        var slow = client.GetAsync("/slow");
        await Eventually.TrueAsync(() => app.Seen.Count == 1, Wait);
        Assert.Empty(await relay.Runtime.ApplyAsync(relay.Reconfigure(sections + Tracing(after, "1"))));
        Assert.False(slow.IsCompleted, "the slow request should still be in flight across the reload");
        await SendAsync(client, 1);
        using (var slowResponse = await slow)
        {
            Assert.Equal(HttpStatusCode.OK, slowResponse.StatusCode);
        }
        Assert.True(relay.Runtime.Tracing.Flush());

        var (inFlight, later) = (TraceId(app.Seen[0]["traceparent"]), TraceId(app.Seen[1]["traceparent"]));
        // The in-flight request's generation flushes once its last request ends.
        await Eventually.TrueAsync(() => before.Spans(inFlight).Count == 2 && after.Spans(later).Count == 2, Wait);
        await Task.Delay(500);
        Assert.Equal(2, before.Count);
        Assert.Equal(2, after.Count);
    }

    [Fact]
    public async Task Reload_TurningTracingOff_MidRequest_StillExportsThatRequestsServerAndClientSpans()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var app = await HeaderApp.StartAsync();
        await using var relay = await L7Relay.StartAsync(app.EndPoint.ToString(), "http", out var listen, extra: Tracing(receiver, "1"));
        using var client = Client(listen);

        // The reload lands after the server span started and before the client span of a retry
        // would: here the one client span is already open, so this checks that the retired
        // generation still exports both once the request ends.
        var slow = client.GetAsync("/slow");
        await Eventually.TrueAsync(() => app.Seen.Count == 1, Wait);
        Assert.Empty(await relay.Runtime.ApplyAsync(relay.Reconfigure(L7Relay.Sections(app.EndPoint.ToString(), "http", listen))));
        using (var response = await slow)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var trace = TraceId(app.Seen[0]["traceparent"]);
        await Eventually.TrueAsync(() => receiver.Spans(trace).Count == 2, Wait);
        Assert.Null(relay.Runtime.Tracing.Current);
    }

    [Fact]
    public async Task FileReload_ChangingOnlyTracing_ReportsApplied_AndTheNewSettingsRun()
    {
        await using var fixture = new LifecycleFixture();
        var yaml = fixture.Yaml("127.0.0.1:9") + "\n";
        await fixture.StartAsync(yaml + "tracing: { otlp_endpoint: \"http://127.0.0.1:9/v1/traces\", sampling_ratio: 0 }\n", watch: false);
        var first = fixture.Runtime.Tracing.Current!;

        await File.WriteAllTextAsync(fixture.ConfigPath, yaml + "tracing: { otlp_endpoint: \"http://127.0.0.1:10/v1/traces\", sampling_ratio: 1, protocol: grpc }\n");
        var report = await fixture.Lifecycle.ReloadAsync("test");

        Assert.Equal(ReloadOutcome.Applied, report.Outcome);
        var running = fixture.Runtime.Tracing.Current!;
        Assert.NotSame(first, running);
        Assert.Equal((1.0, "http://127.0.0.1:10/v1/traces", OtlpProtocol.Grpc), (running.Snapshot.SamplingRatio, running.Snapshot.OtlpEndpoint.ToString(), running.Snapshot.Protocol));
        // Removing the section turns tracing off, reported as applied too.
        await File.WriteAllTextAsync(fixture.ConfigPath, yaml);
        Assert.Equal(ReloadOutcome.Applied, (await fixture.Lifecycle.ReloadAsync("test")).Outcome);
        Assert.Null(fixture.Runtime.Tracing.Current);
    }

    private static string Tracing(OtlpReceiver receiver, string ratio) =>
        $"tracing: {{ otlp_endpoint: \"{receiver.Endpoint}\", sampling_ratio: {ratio}, schedule_delay: 100ms }}\n";

    private static HttpClient Client(int listen) => new() { BaseAddress = new Uri($"http://127.0.0.1:{listen}"), Timeout = Wait };

    private static async Task SendAsync(HttpClient client, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await client.GetAsync($"/n/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static string TraceId(string traceparent) => TraceparentPattern().Match(traceparent) is { Success: true } m
        ? m.Groups[1].Value
        : throw new Xunit.Sdk.XunitException($"not a traceparent: {traceparent}");

    [GeneratedRegex("^00-([0-9a-f]{32})-[0-9a-f]{16}-0[01]$")]
    private static partial Regex TraceparentPattern();
}
