using System.Globalization;
using Relay.Tests.Http;
using Relay.Tests.Lifecycle;
using Xunit.Abstractions;

namespace Relay.Tests.Routing;

/// <summary>
/// The canary guard end to end, under the real reload path (ConfigLifecycle, its state file,
/// <c>relay config status</c>): v2 of a 50/50 split answers every request 500-class, the guard cuts
/// it to 0 after min_requests, then every request succeeds; the cut is logged, counted, shown in
/// /config and config status, survives a reload of the same file and is cleared by a changed one.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class CanaryGuardLoopbackTests(ITestOutputHelper output)
{
    private const int MinRequests = 50;
    private const int Workers = 4;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private static string Yaml(LifecycleFixture f, UpstreamApp v1, UpstreamApp v2, int weightV1, int weightV2) => $$"""
        mesh: { trust_domain: mesh.test }
        capture: { outbound_port: {{f.OutboundPort}}, inbound_port: {{f.InboundPort}}, run_as: "0", outbound_policy: passthrough, ipv6: false }
        admin: { address: "127.0.0.1:{{f.AdminPort}}" }
        services:
          svc:
            port: {{LifecycleFixture.VirtualService.Port}}
            addresses: [{{LifecycleFixture.VirtualService.Address}}]
            protocol: http
            mesh_tls: false
            endpoints:
              - { address: "127.0.0.1:{{v1.Port}}", labels: { version: v1 } }
              - { address: "127.0.0.1:{{v2.Port}}", labels: { version: v2 } }
            routes:
              - name: split
                backends: [{ subset: { version: v1 }, weight: {{weightV1}} }, { subset: { version: v2 }, weight: {{weightV2}} }]
                guard: { min_success_rate: 0.9, min_requests: {{MinRequests}}, window: 30s }
        """;

    private static long Trips(string scrape) =>
        scrape.Split('\n').Where(l => l.StartsWith("relay_canary_guard_trips_total{", StringComparison.Ordinal) && l.Contains("backend=\"svc{version=v2}\"", StringComparison.Ordinal))
            .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    [Fact]
    public async Task FailingCanary_IsCutAfterMinRequests_ThenAllSucceed_AndAFileChangeClearsTheCut()
    {
        await using var v1 = await UpstreamApp.StartAsync();
        await using var v2 = await UpstreamApp.StartAsync();
        v2.FailEvery = 1;
        await using var f = new LifecycleFixture();
        await f.StartAsync(Yaml(f, v1, v2, 50, 50), watch: false);
        var url = new Uri($"http://127.0.0.1:{f.OutboundPort}/port");

        // Until the cut about half the requests reach v2 and fail; MinRequests of them trip it.
        await using (var before = RequestLoad.Count(url, Workers, 400, Bound))
        {
            await before.CompleteAsync();
            output.WriteLine($"before: {before.Sent} requests, {before.Failed} failed; v2 saw {v2.Requests}");
        }
        var cutAt = v2.Requests;
        // The trip is the MinRequests-th answer; at most the other workers' requests were already on their way.
        Assert.InRange(cutAt, MinRequests, MinRequests + Workers);

        await using var after = RequestLoad.Count(url, Workers, 500, Bound);
        await after.CompleteAsync();
        output.WriteLine($"after the cut: {after.Sent} requests, {after.Failed} failed; v2 saw {v2.Requests - cutAt} more");
        Assert.Equal(0, after.Failed);
        Assert.Equal(cutAt, v2.Requests);
        Assert.Equal(500, after.CountFor(v1.Port));

        // Logged, counted, and shown apart from the file in /config and relay config status.
        Assert.Contains(f.LogMessages, m => m.Contains("canary guard: service svc route split backend svc{version=v2}", StringComparison.Ordinal));
        Assert.Equal(1, Trips(f.Scrape()));
        var cut = Assert.Single(f.Runtime.ConfigView.Overrides);
        Assert.Equal(("svc", "split", "svc{version=v2}", 50, 0), (cut.Service, cut.Route, cut.Backend, cut.FileWeight, cut.Weight));
        Assert.True(cut.SuccessRate < 0.9, $"rate {cut.SuccessRate}");
        var json = System.Text.Json.JsonSerializer.Serialize(f.Runtime.ConfigView, Relay.Core.Runtime.AdminViewsJsonContext.Default.RunningConfigView);
        Assert.Contains("\"overrides\":[{\"service\":\"svc\",\"route\":\"split\"", json, StringComparison.Ordinal);
        // The state file is rewritten after the cut, off the request path.
        var status = "";
        for (var until = DateTime.UtcNow + LifecycleFixture.Wait; !status.Contains("override:", StringComparison.Ordinal) && DateTime.UtcNow < until; await Task.Delay(50))
        {
            status = (await ConfigCommandTests.RunAsync("config", "status", "--config", f.ConfigPath, "--state-dir", f.StateDirectory)).Output;
        }
        output.WriteLine(status);
        Assert.Contains("override:    services[svc].routes[split].backends[svc{version=v2}].weight 50 -> 0 by the canary guard", status, StringComparison.Ordinal);
        Assert.Contains("in sync", status, StringComparison.Ordinal);

        // The same file again (a SIGHUP, a touch): the cut stays.
        await f.Lifecycle.ReloadAsync("test");
        Assert.Single(f.Runtime.ConfigView.Overrides);

        // A changed file: its weights rule again, and v2 gets traffic.
        await File.WriteAllTextAsync(f.ConfigPath, Yaml(f, v1, v2, 60, 40));
        var changed = await f.Lifecycle.ReloadAsync("test");
        Assert.True(changed.Succeeded, string.Join("; ", changed.Errors));
        Assert.Empty(f.Runtime.ConfigView.Overrides);
        var cleared = await ConfigCommandTests.RunAsync("config", "status", "--config", f.ConfigPath, "--state-dir", f.StateDirectory);
        Assert.DoesNotContain("override:", cleared.Output, StringComparison.Ordinal);
        v2.FailEvery = 0;
        await using var again = RequestLoad.Count(url, Workers, 200, Bound);
        await again.CompleteAsync();
        Assert.Equal(0, again.Failed);
        Assert.True(again.CountFor(v2.Port) > 20, $"v2 answered {again.CountFor(v2.Port)} of 200 after the file changed");
    }
}
