using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using Relay.Core.Runtime;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Upstreams.Discovery;

/// <summary>
/// srv: discovery end to end on loopback (L7: every request is routed under the config running
/// when it arrives, so keep-alive clients move too): DnsClient against an in-test responder whose
/// SRV records name two HTTP apps by port. Records change under traffic; the responder then fails
/// (SERVFAIL, then silence) and the last good set keeps serving.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class SrvDiscoveryLoopbackTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>The records' TTL, and discovery.min_ttl: the set is re-queried every second.</summary>
    private const int TtlSeconds = 1;

    /// <summary>The issue's bound on change-to-effect: TTL + 1 s.</summary>
    private static readonly TimeSpan ChangeBound = TimeSpan.FromSeconds(TtlSeconds + 1);

    [Fact]
    public async Task SrvRecordsChange_UnderTraffic_NewEndpointWithinTtlPlusOne_AndDnsDownKeepsTheLastGoodSet()
    {
        await using var a = await StatusApp.StartAsync(200);
        await using var b = await StatusApp.StartAsync(200);
        await using var dns = TestDnsServer.Start("_app._tcp.relay.test");
        dns.SetRecords(("a.relay.test", a.Port));
        var listen = FreePorts.Next();
        await using var relay = await LoopbackRelay.StartAsync(
            $"discovery: {{ resolvers: [\"{dns.Address}\"], min_ttl: {TtlSeconds}s, max_ttl: 30s, query_timeout: 300ms }}\n"
            // Round robin: this measures when the new set runs, not when peak-EWMA (the HTTP default)
            // finds a new endpoint's 30 ms default RTT competitive with a warm loopback one (seconds).
            + "services:\n  app:\n    port: 80\n    addresses: [127.0.0.10]\n    mesh_tls: false\n    protocol: http\n    load_balancing: round-robin\n    srv: _app._tcp.relay.test\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n", destination: null);
        await using var load = PacedGets.Start(listen);

        // Start-up resolved before the listener opened: the first requests already have an endpoint.
        await Eventually.TrueAsync(() => a.Served >= 5, TimeSpan.FromSeconds(10));
        Assert.Equal(0, b.Served);

        var changed = Stopwatch.StartNew();
        dns.SetRecords(("a.relay.test", a.Port), ("b.relay.test", b.Port));
        await Eventually.TrueAsync(() => b.Served > 0, TimeSpan.FromSeconds(10));
        var toEffect = changed.Elapsed;

        dns.SetRecords(("b.relay.test", b.Port));
        await Task.Delay(ChangeBound);
        var aAfterRemoval = a.Served;
        await Eventually.TrueAsync(() => b.Served >= 20, TimeSpan.FromSeconds(10));
        Assert.Equal(aAfterRemoval, a.Served);

        dns.Mode = TestDnsServer.Answering.ServFail;
        await Eventually.TrueAsync(() => relay.Exporter.Scrape().Contains("result=\"failed\",service=\"app\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        dns.Mode = TestDnsServer.Answering.Silent;
        var servedBeforeSilence = b.Served;
        var queriesBeforeSilence = dns.Queries;
        await Eventually.TrueAsync(() => dns.Queries >= queriesBeforeSilence + 3 && b.Served >= servedBeforeSilence + 20, TimeSpan.FromSeconds(15));
        var result = await load.StopAsync();
        output.WriteLine($"change to effect: b took its first request {toEffect.TotalMilliseconds:0} ms after the change; {result.Sent} requests, {result.Failures.Count} failed");

        Assert.True(toEffect <= ChangeBound, $"b took its first request {toEffect.TotalMilliseconds:0} ms after the change (bound {ChangeBound.TotalMilliseconds:0} ms)");
        Assert.True(result.Failures.Count == 0, $"{result.Failures.Count} of {result.Sent} requests failed: {string.Join("; ", result.Failures.Take(5))}");
        var view = Assert.Single(relay.Runtime.ClustersView());
        Assert.Equal([$"127.0.0.1:{b.Port}"], view.Endpoints.Select(e => e.Address));
        Assert.Equal("srv:_app._tcp.relay.test", view.Discovery!.Source);
        Assert.Equal("failed", view.Discovery.LastOutcome);
        // SERVFAIL, then silence (each silent query waits query_timeout twice: one retry).
        Assert.True(view.Discovery.ConsecutiveFailures >= 2, $"{view.Discovery.ConsecutiveFailures} failures in a row");
        // Several failed answers, one warning: the rest wait for the next minute and the counter has them.
        Assert.Single(relay.Log.Messages, m => m.Contains("keeping the last good set", StringComparison.Ordinal));
        var json = JsonSerializer.Serialize(relay.Runtime.ConfigView, AdminViewsJsonContext.Default.RunningConfigView);
        using var document = JsonDocument.Parse(json);
        var discovered = document.RootElement.GetProperty("discovered")[0];
        Assert.Equal($"127.0.0.1:{b.Port}", discovered.GetProperty("endpoints")[0].GetString());
        Assert.Equal(TtlSeconds, discovered.GetProperty("recordTtlSeconds").GetDouble());
        Assert.True(discovered.TryGetProperty("lastRefresh", out _));
    }

    [Fact]
    public async Task FirstQueryFails_ServiceAnswers503_ThenFillsInWhenTheNameResolves()
    {
        await using var a = await StatusApp.StartAsync(200);
        await using var dns = TestDnsServer.Start("_app._tcp.relay.test");
        dns.Mode = TestDnsServer.Answering.ServFail;
        dns.SetRecords(("a.relay.test", a.Port));
        var listen = FreePorts.Next();
        await using var relay = await LoopbackRelay.StartAsync(
            $"discovery: {{ resolvers: [\"{dns.Address}\"], min_ttl: 1s, query_timeout: 300ms }}\n"
            + "services:\n  app:\n    port: 80\n    addresses: [127.0.0.10]\n    mesh_tls: false\n    protocol: http\n    srv: _app._tcp.relay.test\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n", destination: null);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listen}") };

        using (var refused = await client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("no_healthy_endpoint", refused.Headers.GetValues("x-relay-error").Single());
        }
        dns.Mode = TestDnsServer.Answering.Normally;
        await Eventually.TrueAsync(() => relay.Runtime.ClustersView().Single().Endpoints.Count == 1, TimeSpan.FromSeconds(10));
        using var served = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        // Waited for, not read once: the loop installs the set before it logs the recovery, so the
        // served request can come first (failed once in a fresh-clone run).
        await relay.Log.WaitForLineAsync(l => l.Contains("discovery: service app (srv:_app._tcp.relay.test) resolves again", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Reload_SameSource_KeepsTheRunningSetAndEndpointState_NewSourceResolvesTheNewName()
    {
        await using var a = await StatusApp.StartAsync(200);
        await using var b = await StatusApp.StartAsync(200);
        await using var dns = TestDnsServer.Start("_app._tcp.relay.test");
        dns.SetRecords(("a.relay.test", a.Port));
        var listen = FreePorts.Next();
        string Sections(string srv, string balancer) =>
            $"discovery: {{ resolvers: [\"{dns.Address}\"], min_ttl: 1s, query_timeout: 300ms }}\n"
            + $"services:\n  app:\n    port: 80\n    addresses: [127.0.0.10]\n    mesh_tls: false\n    protocol: http\n    srv: {srv}\n    load_balancing: {balancer}\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n";
        await using var relay = await LoopbackRelay.StartAsync(Sections("_app._tcp.relay.test", "round-robin"), destination: null);
        var beforeCluster = relay.Runtime.ActiveConfig.Clusters.All.Single();
        var before = beforeCluster.StateOf(0);
        dns.Mode = TestDnsServer.Answering.Silent;

        // Another key changed, DNS silent (so only the carried-over set can serve): the running set and its endpoint state carry over.
        Assert.Empty(await relay.Runtime.ApplyAsync(relay.Reconfigure(Sections("_app._tcp.relay.test", "random"))));
        var kept = relay.Runtime.ActiveConfig.Clusters.All.Single();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listen}") };
        using (var response = await client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // A new balancer is a new cluster state, built on the running set, keeping the endpoint's state.
        Assert.NotSame(beforeCluster, kept);
        Assert.Equal(Relay.Core.Config.LoadBalancing.Random, kept.Service.LoadBalancing);
        Assert.Same(before, kept.StateOf(0));
        Assert.Equal([$"127.0.0.1:{a.Port}"], kept.Endpoints.Select(e => e.ToString()));

        // A new name: its own loop, its own set.
        dns.Mode = TestDnsServer.Answering.Normally;
        await using var other = TestDnsServer.Start("_other._tcp.relay.test");
        other.SetRecords(("b.relay.test", b.Port));
        Assert.Empty(await relay.Runtime.ApplyAsync(relay.Reconfigure(Sections("_other._tcp.relay.test", "random").Replace(dns.Address.ToString(), other.Address.ToString(), StringComparison.Ordinal))));
        await Eventually.TrueAsync(() => relay.Runtime.ClustersView().Single().Endpoints.Select(e => e.Address).SequenceEqual([$"127.0.0.1:{b.Port}"]), TimeSpan.FromSeconds(10));
        Assert.Equal("srv:_other._tcp.relay.test", relay.Runtime.ClustersView().Single().Discovery!.Source);
    }
}
