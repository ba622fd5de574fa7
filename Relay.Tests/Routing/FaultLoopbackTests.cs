using System.Diagnostics;
using System.Net;
using System.Net.Http;
using Xunit.Abstractions;

namespace Relay.Tests.Routing;

/// <summary>Fault injection on real sockets: delay and abort rates within tolerance, the header trigger, a gRPC abort.</summary>
[Trait("Tier", "Loopback")]
public sealed class FaultLoopbackTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private static string Route(string fault) => $"      - {{ backends: [{{}}], fault: {fault} }}\n";

    [Fact]
    public async Task Abort20Percent_Over2000Requests_RateWithinTolerance_AndAbortedNeverReachTheApp()
    {
        await using var r = await RouteRelay.StartAsync(Route("{ abort: { status: 503, percent: 20 } }"));

        await using var load = RequestLoad.Count(r.Url(), 8, 2_000, Bound);
        await load.CompleteAsync();

        var rate = 100.0 * load.Failed / load.Sent;
        output.WriteLine($"aborted {load.Failed} of {load.Sent}: {rate:F2}% (configured 20%)");
        // Binomial(2000, 0.2): sd 0.89 points; ±4 is 4.5 sd.
        Assert.InRange(rate, 16.0, 24.0);
        Assert.Equal(load.Sent - load.Failed, r.V1.Requests + r.V2.Requests);
        Assert.StartsWith("503 fault_injected", load.FailureSample, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delay50Percent_RateWithinTolerance_AndEachDelayedRequestWaitsTheDuration()
    {
        await using var r = await RouteRelay.StartAsync(Route("{ delay: { duration: 200ms, percent: 50 } }"));
        using var client = new HttpClient();
        const int Requests = 200;
        using var deadline = new CancellationTokenSource(Bound);
        // Four at a time: hundreds at once would queue behind each other and all read as delayed.
        using var gate = new SemaphoreSlim(4);
        var all = await Task.WhenAll(Enumerable.Range(0, Requests).Select(async _ =>
        {
            await gate.WaitAsync(deadline.Token);
            try
            {
                var started = Stopwatch.StartNew();
                using var response = await client.GetAsync(r.Url(), deadline.Token);
                return (response.StatusCode, started.Elapsed);
            }
            finally
            {
                gate.Release();
            }
        }));
        var delayed = all.Count(a => a.Elapsed >= TimeSpan.FromMilliseconds(195));

        var rate = 100.0 * delayed / Requests;
        output.WriteLine($"delayed {delayed} of {Requests}: {rate:F1}% (configured 50%)");
        Assert.All(all, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        // Binomial(200, 0.5): sd 3.5 points; ±14 is 4 sd (an undelayed request on a loaded machine may pass 195 ms: the rate can only read high).
        Assert.InRange(rate, 36.0, 64.0);
        Assert.Equal(Requests, r.V1.Requests + r.V2.Requests);
    }

    [Fact]
    public async Task HeaderTrigger_OnlyRequestsWithTheHeaderAreAborted()
    {
        await using var r = await RouteRelay.StartAsync(Route("{ abort: { status: 500 }, header: x-relay-fault }"));
        using var client = new HttpClient();

        using var plain = await client.GetAsync(r.Url());
        using var request = new HttpRequestMessage(HttpMethod.Get, r.Url());
        request.Headers.Add("x-relay-fault", "1");
        using var targeted = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, targeted.StatusCode);
        Assert.Equal("fault_injected", targeted.Headers.GetValues("x-relay-error").Single());
        Assert.Equal(1, r.V1.Requests + r.V2.Requests);
        await Support.Eventually.TrueAsync(() => r.Relay.Exporter.Scrape().Contains("relay_request_errors_total{direction=\"outbound\",reason=\"fault_injected\",service=\"app\"} 1", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task GrpcAbort_IsATrailersOnlyResponseWithTheStatus()
    {
        await using var r = await RouteRelay.StartAsync(Route("{ abort: { grpc: unavailable } }"));
        using var client = new HttpClient();

        using var response = await client.GetAsync(r.Url());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("14", response.Headers.GetValues("grpc-status").Single());
        Assert.Equal("application/grpc", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(0, r.V1.Requests + r.V2.Requests);
    }
}
