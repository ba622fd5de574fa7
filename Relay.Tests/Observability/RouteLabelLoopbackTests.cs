using System.Net;
using System.Text.RegularExpressions;
using Relay.Tests.Http;
using Relay.Tests.Tracing;

namespace Relay.Tests.Observability;

/// <summary>
/// The request metrics carry a bounded <c>route</c> label: a route's name from mesh.yaml, an
/// unnamed route's <c>route-&lt;index&gt;</c> (the same across reloads of the same routes), and
/// <c>-</c> for a request no route took; paths never appear.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class RouteLabelLoopbackTests
{
    private const string Routes = "routes: ["
        + "{ name: canary, matches: [{ headers: [{ name: x-canary, exact: \"1\" }] }], backends: [{ weight: 1 }] }, "
        + "{ matches: [{ path: { prefix: /api } }], backends: [{ weight: 1 }] }]";

    [Fact]
    public async Task Requests_CarryTheRouteName_AnUnnamedRouteItsIndex_AndNoMatchADash_StableAcrossAReload()
    {
        await using var app = await HeaderApp.StartAsync();
        await using var relay = await L7Relay.StartAsync(app.EndPoint.ToString(), "http", out var listen, service: Routes);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listen}") };

        for (var i = 0; i < 2; i++)
        {
            using var canary = new HttpRequestMessage(HttpMethod.Get, $"/api/canary/{i}");
            canary.Headers.Add("x-canary", "1");
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(canary)).StatusCode);
        }
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/users/{i}")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/elsewhere")).StatusCode);
        // The same routes again (a comment changes the revision): the unnamed route keeps its name.
        var sections = L7Relay.Sections(app.EndPoint.ToString(), "http", listen, service: Routes) + "# edited\n";
        Assert.Empty(await relay.Runtime.ApplyAsync(relay.Reconfigure(sections)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/again")).StatusCode);

        var scrape = relay.Exporter.Scrape();
        Assert.Contains("relay_requests_total{code_class=\"2xx\",direction=\"outbound\",route=\"canary\",service=\"app\"} 2\n", scrape);
        Assert.Contains("relay_requests_total{code_class=\"2xx\",direction=\"outbound\",route=\"route-1\",service=\"app\"} 4\n", scrape);
        Assert.Contains("relay_requests_total{code_class=\"4xx\",direction=\"outbound\",route=\"-\",service=\"app\"} 1\n", scrape);
        Assert.Contains("relay_request_duration_seconds_count{direction=\"outbound\",route=\"canary\",service=\"app\"} 2\n", scrape);
        Assert.Contains("relay_request_duration_seconds_count{direction=\"outbound\",route=\"route-1\",service=\"app\"} 4\n", scrape);
        // Three route values in all, whatever the paths were.
        var routes = Regex.Matches(scrape, "^relay_requests_total\\{.*route=\"([^\"]*)\"", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Distinct();
        Assert.Equal(["-", "canary", "route-1"], routes.Order());
        Assert.DoesNotContain("/api", scrape);
        // /stats (the dashboard, relay stat): one row per route that took requests.
        var rows = relay.Runtime.Stats.View(DateTimeOffset.UtcNow).Routes;
        Assert.Equal([("canary", 2L), ("route-1", 4L)], rows.Select(r => (r.Route!, r.Requests)));
        Assert.All(rows, r => Assert.Equal("app", r.Service));
    }
}
