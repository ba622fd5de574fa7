using System.Globalization;
using System.Net;
using System.Net.Http;
using Relay.Tests.Support;
using Xunit.Abstractions;

namespace Relay.Tests.Routing;

/// <summary>
/// The retry causes and the body buffer on real sockets: a reset before headers and a refused
/// connect retried; a small body resent from the 64 KiB buffer (PUT by default, POST with
/// non_idempotent), a body over the buffer streamed once and never retried.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class RetryCausesLoopbackTests(ITestOutputHelper output)
{
    private static string Route(string settings, string backend = "{}") => $"      - {{ backends: [{backend}], {settings} }}\n";

    private static long Retries(string scrape, string reason) =>
        ScrapedCounter.ValueOf(scrape, $"relay_request_retries_total{{reason=\"{reason}\",service=\"app\"}}");

    [Fact]
    public async Task ResetBeforeHeaders_IsRetriedOnTheOtherEndpoint()
    {
        await using var r = await RouteRelay.StartAsync(Route("retries: { attempts: 2, on: [reset] }"));
        r.V1.Reset = true;
        using var client = new HttpClient();

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(r.V2.Port.ToString(CultureInfo.InvariantCulture), await client.GetStringAsync(r.Url()));
        }

        var retries = Retries(r.Relay.Exporter.Scrape(), "reset");
        output.WriteLine($"20 requests answered by v2; v1 reset {r.V1.Requests}; {retries} retries for reset");
        Assert.InRange(r.V1.Requests, 5, 15);
        Assert.Equal(r.V1.Requests, retries);
    }

    [Fact]
    public async Task ConnectFailure_WithAnotherEndpoint_FailsOverFree()
    {
        await using var r = await RouteRelay.StartAsync(Route("retries: { attempts: 3, on: [connect-failure] }"));
        await r.V1.DisposeAsync();
        using var client = new HttpClient();

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(r.V2.Port.ToString(CultureInfo.InvariantCulture), await client.GetStringAsync(r.Url()));
        }
        var afterFailover = Retries(r.Relay.Exporter.Scrape(), "connect_failure");

        output.WriteLine($"10 requests with v1 down, answered by v2: {afterFailover} budgeted retries (failover is free)");
        Assert.Equal(0, afterFailover);
    }

    [Fact]
    public async Task ConnectFailure_OnTheOnlyEndpoint_IsRetriedUpToAttempts()
    {
        await using var r = await RouteRelay.StartAsync(Route("retries: { attempts: 3, on: [connect-failure] }", "{subset: {version: v1}}"));
        await r.V1.DisposeAsync();
        using var client = new HttpClient();

        for (var i = 0; i < 10; i++)
        {
            using var response = await client.GetAsync(r.Url());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("upstream_connect_failed", response.Headers.GetValues("x-relay-error").Single());
        }

        var scrape = r.Relay.Exporter.Scrape();
        output.WriteLine($"10 requests to a dead only endpoint: {Retries(scrape, "connect_failure")} retries for connect_failure");
        // Each request: the first try and two retries (attempts: 3), well within the budget's reserve of 100.
        Assert.Equal(20, Retries(scrape, "connect_failure"));
    }

    [Fact]
    public async Task SmallBody_IsResentFromTheBuffer_AndArrivesIntact()
    {
        await using var r = await RouteRelay.StartAsync(Route("retries: { attempts: 3, on: [5xx], non_idempotent: true }"));
        r.V1.FailEvery = 1;
        using var client = new HttpClient();
        var small = new byte[60 * 1024];
        Random.Shared.NextBytes(small);

        for (var i = 0; i < 10; i++)
        {
            using var response = await client.PostAsync(r.Url("/echo"), new ByteArrayContent(small));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(small, await response.Content.ReadAsByteArrayAsync());
        }

        output.WriteLine($"10 POSTs of 60 KiB with v1 failing every request: {r.V1.Requests + r.V2.Requests} attempts, all 200 with the body intact");
        Assert.True(r.V1.Requests >= 1, "no attempt met the failing endpoint");
        Assert.Equal(10 + r.V1.Requests, r.V1.Requests + r.V2.Requests);
        Assert.All(r.V2.EchoLengths, l => Assert.Equal(60 * 1024, l));
    }

    /// <summary>Every endpoint fails: a body within the buffer is tried attempts times, one over it exactly once.</summary>
    [Fact]
    public async Task BodyOverTheBuffer_IsSentOnce_ABodyWithinItUpToAttempts()
    {
        await using var r = await RouteRelay.StartAsync(Route("retries: { attempts: 3, on: [5xx], non_idempotent: true }"));
        r.V1.FailEvery = 1;
        r.V2.FailEvery = 1;
        using var client = new HttpClient();

        for (var i = 0; i < 5; i++)
        {
            using var response = await client.PostAsync(r.Url("/echo"), new ByteArrayContent(new byte[100 * 1024]));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        var large = r.V1.Requests + r.V2.Requests;
        for (var i = 0; i < 5; i++)
        {
            using var response = await client.PostAsync(r.Url("/echo"), new ByteArrayContent(new byte[64 * 1024]));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        var small = r.V1.Requests + r.V2.Requests - large;

        output.WriteLine($"every endpoint failing: 5 POSTs of 100 KiB made {large} attempts, 5 POSTs of 64 KiB (the limit) made {small}");
        Assert.Equal(5, large);
        Assert.Equal(15, small);
    }

    [Fact]
    public async Task PutWithASmallBody_IsRetriedByDefault_PostIsNot()
    {
        await using var r = await RouteRelay.StartAsync(Route("retries: { attempts: 2, on: [5xx] }"));
        r.V1.FailEvery = 1;
        r.V2.FailEvery = 1;
        using var client = new HttpClient();

        using var put = await client.PutAsync(r.Url("/echo"), new ByteArrayContent(new byte[1000]));
        var afterPut = r.V1.Requests + r.V2.Requests;
        using var post = await client.PostAsync(r.Url("/echo"), new ByteArrayContent(new byte[1000]));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, put.StatusCode);
        Assert.Equal(2, afterPut);
        Assert.Equal(3, r.V1.Requests + r.V2.Requests);
    }
}
