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
/// as the test sends traffic, without reloading the page; config drift and the last reloads follow
/// edits of mesh.yaml (rejected, then applied). The screenshot it takes is the one in
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

        // Config: in sync and no reload yet; a rejected edit shows as INVALID with its file:line:column
        // and a "rejected" reload while the revision stays; a valid one as applied, in sync again.
        var started = await browser.EvaluateAsync("document.getElementById('revision').textContent");
        await browser.WaitForAsync(Drift, v => v == "in_sync", Wait);
        Assert.Equal("0", await browser.EvaluateAsync(ReloadRows));
        var original = File.ReadAllText(daemon.ConfigPath);
        File.WriteAllText(daemon.ConfigPath, original.TrimEnd() + "\nbogus_key: 1\n");
        await browser.WaitForAsync(Drift, v => v == "invalid", Wait);
        Assert.Contains("mesh.yaml:", await browser.EvaluateAsync("document.getElementById('drift').textContent"));
        Assert.Contains("bogus_key", await browser.EvaluateAsync("document.getElementById('drift').textContent"));
        await browser.WaitForAsync(ReloadRows, v => v == "1", Wait);
        Assert.Equal("rejected", await browser.EvaluateAsync(NewestReload("outcome")));
        Assert.Contains("bogus_key", await browser.EvaluateAsync(NewestReload("error")));
        Assert.Equal(started, await browser.EvaluateAsync("document.getElementById('revision').textContent"));

        File.WriteAllText(daemon.ConfigPath, original.TrimEnd() + "\n# reviewed\n");
        var applied = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(daemon.ConfigPath)))[..12];
        await browser.WaitForAsync("document.getElementById('revision').textContent", v => v == applied, Wait);
        await browser.WaitForAsync(Drift, v => v == "in_sync", Wait);
        Assert.Equal("2", await browser.EvaluateAsync(ReloadRows));
        Assert.Equal("applied", await browser.EvaluateAsync(NewestReload("outcome")));
        Assert.Equal("rejected", await browser.EvaluateAsync("document.querySelector('#reloads tbody tr:nth-child(2) .outcome')?.textContent"));

        var png = await browser.ScreenshotAsync();
        Assert.True(png.Length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "not a PNG");
        File.WriteAllBytes(Environment.GetEnvironmentVariable("RELAY_DASHBOARD_SCREENSHOT") ?? Path.Combine(_dir, "dashboard.png"), png);
    }

    private const string Drift = "document.getElementById('drift').dataset.state";

    private const string ReloadRows = "document.querySelectorAll('#reloads tbody tr').length";

    private static string NewestReload(string column) => $"document.querySelector('#reloads tbody tr:first-child .{column}')?.textContent";

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
