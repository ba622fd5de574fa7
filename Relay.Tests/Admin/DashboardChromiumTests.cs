using System.Globalization;
using System.Net;
using Relay.Tests.Daemon;
using Relay.Tests.Http;
using Relay.Tests.Observability;
using Relay.Tests.Support;

namespace Relay.Tests.Admin;

/// <summary>
/// The admin dashboard in a real browser (Debian's headless chromium): a running Relay's
/// /dashboard renders its service table and graph from the live SSE feed, and the numbers move
/// as the test sends traffic, without reloading the page. The screenshot it takes is the one in
/// docs/observability.md (written to RELAY_DASHBOARD_SCREENSHOT when set).
/// </summary>
[Trait("Tier", "Loopback")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DashboardChromiumTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("relay-dashboard-").FullName;

    [Fact]
    public async Task Dashboard_InHeadlessChromium_RendersAndItsNumbersFollowTheTraffic()
    {
        await using var app = await UpstreamApp.StartAsync();
        await using var daemon = await TwoServiceDaemon.StartAsync(_dir, app.Port);
        using var orders = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{daemon.OrdersListener}/"), Timeout = Wait };
        using var billing = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{daemon.BillingListener}/"), Timeout = Wait };
        await using var browser = await HeadlessChromium.StartAsync();

        await browser.NavigateAsync($"http://127.0.0.1:{daemon.Admin}/dashboard");
        await browser.WaitForAsync("document.body.dataset.updates", v => int.TryParse(v, out var n) && n >= 1, Wait);
        Assert.Equal("0", await browser.EvaluateAsync("document.querySelectorAll('#services tbody tr').length"));
        // Every asset inline: no script, stylesheet or image is fetched from anywhere.
        Assert.Equal("0", await browser.EvaluateAsync("document.querySelectorAll('script[src], link[href], img[src]').length"));

        await SendAsync(orders, billing, 5, 2);
        await browser.WaitForAsync(Cell("orders", "requests"), v => v == "5", Wait);
        Assert.Equal("100.0%", await browser.EvaluateAsync(Cell("orders", "success")));
        Assert.Equal("0.0%", await browser.WaitForAsync(Cell("billing", "success"), v => v == "0.0%", Wait));

        // More traffic, the page untouched: counts grow and the rate becomes positive.
        var loads = await browser.EvaluateAsync("performance.getEntriesByType('navigation').length");
        for (var round = 0; round < 6; round++)
        {
            await SendAsync(orders, billing, 10, 1);
            await Task.Delay(300);
        }
        await browser.WaitForAsync(Cell("orders", "requests"), v => v == "65", Wait);
        await browser.WaitForAsync(Cell("orders", "rps"), v => double.TryParse(v, CultureInfo.InvariantCulture, out var r) && r > 0, Wait);
        Assert.Equal(loads, await browser.EvaluateAsync("performance.getEntriesByType('navigation').length"));
        Assert.Equal("8", await browser.EvaluateAsync(Cell("billing", "requests")));
        Assert.EndsWith(" ms", await browser.EvaluateAsync(Cell("orders", "p99")));
        // Per route: orders' one route took every request; billing has none, so no row.
        Assert.Equal("65", await browser.WaitForAsync(RouteCell("hello", "requests"), v => v == "65", Wait));
        Assert.Equal("100.0%", await browser.EvaluateAsync(RouteCell("hello", "success")));
        Assert.EndsWith(" ms", await browser.EvaluateAsync(RouteCell("hello", "p99")));
        Assert.Equal("1", await browser.EvaluateAsync("document.querySelectorAll('#routes tbody tr').length"));
        // The service graph: this host → orders and → billing, labelled with rate and success.
        var edge = await browser.EvaluateAsync("document.querySelector('[data-edge=\"outbound local orders\"]').textContent");
        Assert.Matches(@"^\d+\.\d req/s · 100\.0%$", edge);
        Assert.Contains("0.0%", await browser.EvaluateAsync("document.querySelector('[data-edge=\"outbound local billing\"]').textContent"));
        Assert.Contains($"127.0.0.1:{app.Port}", await browser.EvaluateAsync("document.querySelector('#endpoints').textContent"));
        Assert.Contains("/hello", await browser.EvaluateAsync("document.querySelector('#paths').textContent"));

        var png = await browser.ScreenshotAsync();
        Assert.True(png.Length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "not a PNG");
        File.WriteAllBytes(Environment.GetEnvironmentVariable("RELAY_DASHBOARD_SCREENSHOT") ?? Path.Combine(_dir, "dashboard.png"), png);
    }

    private static string RouteCell(string route, string column) =>
        $"document.querySelector('#routes tr[data-route=\"{route}\"] .{column}')?.textContent";

    private static string Cell(string service, string column) =>
        $"document.querySelector('#services tr[data-service=\"{service}\"] .{column}')?.textContent";

    private static async Task SendAsync(HttpClient orders, HttpClient billing, int good, int bad)
    {
        for (var i = 0; i < good; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await orders.GetAsync("hello")).StatusCode);
        }
        for (var i = 0; i < bad; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await billing.GetAsync("pay")).StatusCode);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
