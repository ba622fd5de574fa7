using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Relay.Tests.Routing;

/// <summary>
/// Retries, budgets and timeouts on real sockets: a 20 %-failing endpoint hidden by retries,
/// every endpoint failing with attempts held to the budget (the ratio is measured and printed),
/// a per-try timeout that skips a hung endpoint, and a request timeout answered 504 on time.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed partial class RetryLoopbackTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private static string Route(string settings) => $"      - {{ backends: [{{}}], {settings} }}\n";

    private static long Metric(string scrape, string name)
    {
        var m = Regex.Match(scrape, $@"^{Regex.Escape(name)}\{{[^}}]*service=""app""[^}}]*\}} (\d+)", RegexOptions.Multiline);
        return m.Success ? long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [Fact]
    public async Task TwentyPercentFailingEndpoint_BehindRetries_ClientSuccessAtLeast999()
    {
        await using var r = await RouteRelay.StartAsync(Route("retries: { attempts: 3, on: [5xx] }"));
        r.V1.FailEvery = 5;

        await using var load = RequestLoad.Count(r.Url(), 8, 4_000, Bound);
        await load.CompleteAsync();

        var success = 100.0 * (load.Sent - load.Failed) / load.Sent;
        var scrape = r.Relay.Exporter.Scrape();
        var retries = Metric(scrape, "relay_request_retries_total");
        output.WriteLine($"{load.Sent} requests, {load.Failed} failed: {success:F3}% success; v1 saw {r.V1.Requests} (every 5th a 503), {retries} retries, {Metric(scrape, "relay_request_attempts_total")} attempts");
        Assert.True(success >= 99.9, $"{success:F3}% success: {load.FailureSample}");
        // The failures really happened and were hidden: v1 answered ~20 % of its requests 503.
        Assert.True(r.V1.Requests / 5 >= 300, $"v1 saw only {r.V1.Requests}");
        Assert.InRange(retries, r.V1.Requests / 5 - 5, r.V1.Requests / 5 + 5);
    }

    /// <summary>Every endpoint fails: without a budget 3 attempts would triple the load; the budget holds it to 1.2 × requests + the reserve.</summary>
    [Fact]
    public async Task EveryEndpointFailing_AttemptsStayWithinTheBudget()
    {
        await using var r = await RouteRelay.StartAsync(Route("retries: { attempts: 3, on: [5xx], budget: { ratio: 0.2, min_per_second: 10, ttl: 10s } }"));
        r.V1.FailEvery = 1;
        r.V2.FailEvery = 1;

        // 8 workers every 25 ms for 5 s (less than the 10 s TTL: the whole 100-retry reserve counts).
        await using var load = RequestLoad.Paced(r.Url(), 8, TimeSpan.FromMilliseconds(25), TimeSpan.FromSeconds(5));
        await load.CompleteAsync();

        var requests = load.Sent;
        var attempts = r.V1.Requests + r.V2.Requests;
        var ratio = (double)attempts / requests;
        var bound = requests * 1.2 + 100;
        var scrape = r.Relay.Exporter.Scrape();
        var exhausted = Metric(scrape, "relay_retry_budget_exhausted_total");
        output.WriteLine($"{requests} requests, {attempts} attempts reached the apps: {ratio:F3} attempts per request (budget bound {bound / requests:F3}, unbudgeted 3.0); {exhausted} retries refused by the budget");
        Assert.Equal(requests, load.Failed);
        Assert.True(attempts <= bound, $"{attempts} attempts for {requests} requests exceeds the budget's {bound}");
        Assert.True(attempts > requests, "no retry was made at all");
        Assert.True(exhausted > 0);
        Assert.Equal(attempts, Metric(scrape, "relay_request_attempts_total"));
    }

    [Fact]
    public async Task PerTryTimeout_AndRetry_SkipAHungEndpoint()
    {
        await using var r = await RouteRelay.StartAsync(Route("timeouts: { per_try: 300ms }, retries: { attempts: 2, on: [timeout] }"));
        using var client = new HttpClient();
        // Warm first, both endpoints answering: what this test measures is the per-try timer on a
        // warm path. Cold, the first attempt took 668 ms to be cancelled (JIT, first connects).
        for (var i = 0; i < 4; i++)
        {
            await client.GetStringAsync(r.Url());
        }
        var warm = r.V1.Requests;
        r.V1.Hang = true;
        var slowest = TimeSpan.Zero;

        for (var i = 0; i < 20; i++)
        {
            var started = Stopwatch.StartNew();
            var body = await client.GetStringAsync(r.Url());
            slowest = started.Elapsed > slowest ? started.Elapsed : slowest;
            Assert.Equal(r.V2.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), body);
        }

        var hung = r.V1.Requests - warm;
        output.WriteLine($"20 requests answered by v2; v1 (hung) got {hung} attempts; slowest request {slowest.TotalMilliseconds:F0} ms");
        // Round robin starts half of them on the hung endpoint: each of those waited one per-try timeout.
        Assert.InRange(hung, 5, 15);
        Assert.True(slowest < TimeSpan.FromSeconds(3), $"slowest {slowest}");
        Assert.True(slowest >= TimeSpan.FromMilliseconds(290), $"no request waited for the per-try timeout ({slowest})");
    }

    [Fact]
    public async Task RequestTimeout_Is504WithinTenPercent()
    {
        await using var r = await RouteRelay.StartAsync(Route("timeouts: { request: 1s }"));
        using var client = new HttpClient();
        var elapsed = new List<double>();
        // A first, unmeasured request opens the connections and runs the path once: cold, the first
        // 504 came ~750 ms late on a loaded machine (1,731 and 1,752 ms, twice in full-suite runs,
        // the next four at 997-1,004 ms), and that is start-up, not the timeout's accuracy.
        (await client.GetAsync(r.Url("/hello"))).Dispose();

        for (var i = 0; i < 5; i++)
        {
            var started = Stopwatch.StartNew();
            using var response = await client.GetAsync(r.Url("/slow?ms=5000"));
            elapsed.Add(started.Elapsed.TotalMilliseconds);
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            Assert.Equal("route_timeout", response.Headers.GetValues("x-relay-error").Single());
        }

        output.WriteLine($"504 after {string.Join(", ", elapsed.Select(e => $"{e:F0}"))} ms (configured 1000 ms)");
        Assert.All(elapsed, e => Assert.InRange(e, 900, 1100));
    }

    [Fact]
    public async Task NonIdempotentRequest_IsNotRetried()
    {
        await using var r = await RouteRelay.StartAsync(Route("retries: { attempts: 3, on: [5xx] }"));
        r.V1.FailEvery = 1;
        r.V2.FailEvery = 1;
        using var client = new HttpClient();

        using var response = await client.PostAsync(r.Url("/echo"), new StringContent("body"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, r.V1.Requests + r.V2.Requests);
    }
}
