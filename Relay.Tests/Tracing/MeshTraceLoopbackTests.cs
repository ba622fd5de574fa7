using System.Net;
using System.Text.RegularExpressions;
using Relay.Tests.Mtls;

namespace Relay.Tests.Tracing;

/// <summary>
/// One request crossing a client → Relay A → relay/h2 over mesh mTLS → Relay B → an app, with both
/// Relays exporting over OTLP/HTTP to a receiver in the test: the spans share one trace id and
/// link parent to child hop by hop, the app sees the last span as its parent, and each access log
/// line carries the trace and span id.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class MeshTraceLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private const string CallerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string CallerSpan = "00f067aa0ba902b7";

    [Fact]
    public async Task W3CRequest_AcrossTwoRelays_YieldsOneTraceWithServerAndClientSpansLinkedHopByHop()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var app = await HeaderApp.StartAsync();
        await using var pair = await StartPairAsync(app, receiver, ratio: "0.0");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{pair.OutboundPortA}"), Timeout = Wait };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/7");
        // Sampled by the caller: parent-based sampling records it although the ratio is 0.
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{CallerTrace}-{CallerSpan}-01");
        request.Headers.TryAddWithoutValidation("tracestate", "vendor=opaque");

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Flush(pair);
        var spans = await receiver.WaitForSpansAsync(CallerTrace, 4, Wait);

        Assert.Equal(4, spans.Count);
        var serverA = Single(spans, OtlpSpan.KindServer, "outbound");
        var clientA = spans.Single(s => s.Kind == OtlpSpan.KindClient && s.ParentSpanId == serverA.SpanId);
        var serverB = Single(spans, OtlpSpan.KindServer, "inbound");
        var clientB = spans.Single(s => s.Kind == OtlpSpan.KindClient && s.ParentSpanId == serverB.SpanId);
        Assert.Equal(CallerSpan, serverA.ParentSpanId);
        Assert.Equal(clientA.SpanId, serverB.ParentSpanId);
        Assert.Equal("app", serverA.Attribute("relay.service"));
        Assert.Equal("GET", serverA.Attribute("http.request.method"));
        Assert.Equal("/orders/7", serverA.Attribute("url.path"));
        Assert.Equal("200", serverA.Attribute("http.response.status_code"));
        Assert.Equal("0", clientA.Attribute("relay.retry_attempt"));
        Assert.Equal($"inbound:{app.Port}", serverB.Attribute("relay.service"));
        Assert.Equal("spiffe://mesh.test/a", serverB.Attribute("relay.peer_identity"));
        Assert.Equal($"127.0.0.1:{app.Port}", clientB.Attribute("relay.endpoint"));
        Assert.All(spans, s => Assert.Equal("relay", s.ServiceName));
        // The app's parent is B's client span; the caller's tracestate travelled with it.
        var seen = Assert.Single(app.Seen);
        Assert.Equal($"00-{CallerTrace}-{clientB.SpanId}-01", seen["traceparent"]);
        Assert.Equal("vendor=opaque", seen["tracestate"]);
        var lineA = await pair.LogA.WaitForLineAsync(l => l.StartsWith("request ", StringComparison.Ordinal), Wait);
        Assert.Contains($"trace_id={CallerTrace} span_id={serverA.SpanId}", lineA);
        var lineB = await pair.LogB.WaitForLineAsync(l => l.StartsWith("request ", StringComparison.Ordinal), Wait);
        Assert.Contains($"trace_id={CallerTrace} span_id={serverB.SpanId}", lineB);
    }

    [Fact]
    public async Task B3SingleRequest_WithFailingApp_TracesTheErrorAndTheAppSeesB3AndW3C()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var app = await HeaderApp.StartAsync();
        await using var pair = await StartPairAsync(app, receiver, ratio: "0.0");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{pair.OutboundPortA}"), Timeout = Wait };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/fail");
        request.Headers.TryAddWithoutValidation("b3", $"{CallerTrace}-{CallerSpan}-1");

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Flush(pair);
        var spans = await receiver.WaitForSpansAsync(CallerTrace, 4, Wait);

        Assert.Equal(CallerSpan, Single(spans, OtlpSpan.KindServer, "outbound").ParentSpanId);
        Assert.All(spans, s => Assert.Equal(OtlpSpan.StatusError, s.StatusCode));
        var clientB = spans.Single(s => s.Kind == OtlpSpan.KindClient && s.Attribute("relay.service")!.StartsWith("inbound:", StringComparison.Ordinal));
        var seen = Assert.Single(app.Seen);
        Assert.Equal($"{CallerTrace}-{clientB.SpanId}-1", seen["b3"]);
        Assert.Equal($"00-{CallerTrace}-{clientB.SpanId}-01", seen["traceparent"]);
    }

    [Fact]
    public async Task UnsampledCaller_AtRatioOne_ExportsNothing_AndTheAppInheritsTheDecision()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var app = await HeaderApp.StartAsync();
        await using var pair = await StartPairAsync(app, receiver, ratio: "1");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{pair.OutboundPortA}"), Timeout = Wait };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/x");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{CallerTrace}-{CallerSpan}-00");

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // A second request with no context at ratio 1 is a new sampled trace: it proves export works,
        // so the first one's absence is the sampler's doing.
        using var root = await client.GetAsync("/y");
        Flush(pair);
        var rootTrace = Regex.Match(app.Seen[1]["traceparent"], "^00-([0-9a-f]{32})-[0-9a-f]{16}-01$").Groups[1].Value;
        Assert.Equal(4, (await receiver.WaitForSpansAsync(rootTrace, 4, Wait)).Count);

        Assert.Empty(receiver.Spans(CallerTrace));
        // Unsampled spans still propagate: the app's parent is B's unsampled span, not the
        // caller's, and the "not sampled" flag travelled with it through both hops.
        Assert.Matches($"^00-{CallerTrace}-[0-9a-f]{{16}}-00$", app.Seen[0]["traceparent"]);
        Assert.DoesNotContain(CallerSpan, app.Seen[0]["traceparent"]);
    }

    [Fact]
    public async Task NewTrace_NotSampledAtRatioZero_ExportsNothing_AndTellsTheHopsBehindNotToSample()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var app = await HeaderApp.StartAsync();
        await using var pair = await StartPairAsync(app, receiver, ratio: "0");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{pair.OutboundPortA}"), Timeout = Wait };

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/n/{i}")).StatusCode);
        }
        Flush(pair);

        Assert.Equal(0, receiver.Count);
        // A decided "no" for each new trace and said so: B (parent-based) did not sample on its own.
        Assert.Equal(5, app.Seen.Count);
        Assert.All(app.Seen, h => Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-00$", h["traceparent"]));
        Assert.Equal(5, app.Seen.Select(h => h["traceparent"][3..35]).Distinct().Count());
    }

    private static Task<MeshPairLoopback> StartPairAsync(HeaderApp app, OtlpReceiver receiver, string ratio) =>
        MeshPairLoopback.StartAsync(app.EndPoint, protocolOnA: "http",
            sectionsOnBoth: $"tracing: {{ otlp_endpoint: \"{receiver.Endpoint}\", sampling_ratio: {ratio}, schedule_delay: 100ms }}");

    private static void Flush(MeshPairLoopback pair)
    {
        Assert.True(pair.A.Tracing!.Flush());
        Assert.True(pair.B.Tracing!.Flush());
    }

    private static OtlpSpan Single(List<OtlpSpan> spans, int kind, string direction) =>
        spans.Single(s => s.Kind == kind && s.Attribute("relay.direction") == direction);
}
