using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Relay.Core.Runtime;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Upstreams;

/// <summary>Active health checks end to end: a real Relay checking real apps over loopback, traffic following the verdicts, and reloads.</summary>
[Trait("Tier", "Loopback")]
public sealed class HealthCheckLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    // 300 ms × 2: a failing endpoint is out after about 0.6 s; the slack below is for a loaded 2-core machine.
    private const string Check = "health_check: { path: /healthz, interval: 300ms, timeout: 250ms, healthy_threshold: 2, unhealthy_threshold: 2, jitter_percent: 0 }";

    private static async Task<(LoopbackRelay Relay, int Listen)> StartHttpAsync(params HealthApp[] apps)
    {
        var listen = FreePorts.Next();
        var endpoints = string.Join(", ", apps.Select(a => $"\"127.0.0.1:{a.Port}\""));
        var relay = await LoopbackRelay.StartAsync(
            $"services:\n  app: {{ port: 80, endpoints: [{endpoints}], mesh_tls: false, protocol: http, load_balancing: round-robin, {Check} }}\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n", destination: null);
        return (relay, listen);
    }

    private static EndpointHealthView Endpoint(LoopbackRelay relay, int port) =>
        relay.Runtime.ClustersView().Single().Endpoints.Single(e => e.Address == $"127.0.0.1:{port}");

    [Fact]
    public async Task AppFailingItsHealthPath_IsMarkedUnhealthyWithinIntervalTimesThreshold_TrafficMovesAway_AndComesBack()
    {
        await using var good1 = await HealthApp.StartAsync();
        await using var good2 = await HealthApp.StartAsync();
        await using var bad = await HealthApp.StartAsync();
        var (relay, listen) = await StartHttpAsync(good1, good2, bad);
        await using var _ = relay;
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listen}"), Timeout = Wait };
        await Eventually.TrueAsync(() => relay.Runtime.ClustersView().Single().Endpoints.All(e => e.HealthCheck == "healthy"), Wait);
        Assert.Equal("Relay-HealthCheck", bad.LastCheckAgent);
        await SendAsync(client, 30);
        Assert.True(bad.Served >= 5, $"the endpoint took {bad.Served} of 30 round-robin requests while healthy");

        bad.HealthStatus = 503;
        var failing = Stopwatch.StartNew();
        await Eventually.TrueAsync(() => Endpoint(relay, bad.Port).HealthCheck == "unhealthy", Wait);
        var detected = failing.Elapsed;
        // 2 × 300 ms plus the check in progress; 5 s of slack for a loaded machine.
        Assert.True(detected < TimeSpan.FromSeconds(0.9 + 5), $"unhealthy after {detected}");
        Assert.Equal("bad_status", Endpoint(relay, bad.Port).LastCheckFailure);
        var before = bad.Served;
        await SendAsync(client, 30);
        Assert.Equal(before, bad.Served);
        var scrape = relay.Exporter.Scrape();
        Assert.Contains($"relay_endpoint_healthy{{endpoint=\"127.0.0.1:{bad.Port}\",service=\"app\"}} 0", scrape);
        Assert.Contains($"relay_endpoint_healthy{{endpoint=\"127.0.0.1:{good1.Port}\",service=\"app\"}} 1", scrape);
        Assert.Contains("relay_health_checks_total{result=\"bad_status\",service=\"app\"}", scrape);
        Assert.Contains("relay_health_checks_total{result=\"passed\",service=\"app\"}", scrape);

        bad.HealthStatus = 200;
        await Eventually.TrueAsync(() => Endpoint(relay, bad.Port).HealthCheck == "healthy", Wait);
        await SendAsync(client, 30);
        Assert.True(bad.Served >= before + 5, $"the recovered endpoint took {bad.Served - before} of 30 requests");
    }

    [Fact]
    public async Task TcpCheck_DeadEndpoint_IsUnhealthy_NoConnectionTriesIt_AndItReturnsWhenItListensAgain()
    {
        using var echo1 = new LoopbackEchoServer();
        using var echo2 = new LoopbackEchoServer();
        var deadPort = FreePorts.Next();
        var listen = FreePorts.Next();
        await using var relay = await LoopbackRelay.StartAsync(
            $"services:\n  echo: {{ port: 80, endpoints: [\"127.0.0.1:{echo1.EndPoint.Port}\", \"127.0.0.1:{echo2.EndPoint.Port}\", \"127.0.0.1:{deadPort}\"], "
            + "mesh_tls: false, health_check: { interval: 300ms, timeout: 250ms, healthy_threshold: 2, unhealthy_threshold: 2 } }\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: echo }}\n", destination: null);
        // All three verdicts in: while an echo endpoint is still pending, 1 of 3 healthy is under the
        // panic threshold and every endpoint (the dead one too) would take connections.
        await Eventually.TrueAsync(() => Endpoint(relay, deadPort).HealthCheck == "unhealthy"
            && Endpoint(relay, echo1.EndPoint.Port).HealthCheck == "healthy" && Endpoint(relay, echo2.EndPoint.Port).HealthCheck == "healthy", Wait);
        Assert.Equal("connect_failed", Endpoint(relay, deadPort).LastCheckFailure);

        for (var i = 0; i < 12; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, listen));
            await SocketIo.SendAllAsync(socket, "ping"u8.ToArray());
            socket.Shutdown(SocketShutdown.Send);
            Assert.Equal("ping"u8.ToArray(), await SocketIo.ReadToEndAsync(socket));
        }
        // Round robin over the two that pass: the dead one was never dialled, so never failed a connect.
        Assert.DoesNotContain("relay_upstream_connect_failures_total{", relay.Exporter.Scrape());

        using var revived = new TcpListener(IPAddress.Loopback, deadPort);
        revived.Start();
        await Eventually.TrueAsync(() => Endpoint(relay, deadPort).HealthCheck == "healthy", Wait);
        Assert.Null(Endpoint(relay, deadPort).LastCheckFailure);
    }

    [Fact]
    public async Task Reload_KeepsTheVerdictOfEndpointsThatStay_StopsLoopsOfRemovedOnes_AndStartsNewOnes()
    {
        await using var a = await HealthApp.StartAsync();
        await using var b = await HealthApp.StartAsync();
        await using var c = await HealthApp.StartAsync();
        var (relay, listen) = await StartHttpAsync(a, b);
        await using var _ = relay;
        b.HealthStatus = 500;
        await Eventually.TrueAsync(() => Endpoint(relay, a.Port).HealthCheck == "healthy" && Endpoint(relay, b.Port).HealthCheck == "unhealthy", Wait);
        Assert.Equal(2, relay.Runtime.HealthChecks.Checked.Count);

        // Drop a, add c, and change the check's interval: b's verdict survives (no "pending"), a's loop ends.
        var sections = $"services:\n  app: {{ port: 80, endpoints: [\"127.0.0.1:{b.Port}\", \"127.0.0.1:{c.Port}\"], mesh_tls: false, protocol: http, "
            + $"{Check.Replace("300ms", "400ms", StringComparison.Ordinal)} }}\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n";
        Assert.Empty(await relay.Runtime.ApplyAsync(relay.Reconfigure(sections)));
        Assert.Equal("unhealthy", Endpoint(relay, b.Port).HealthCheck);
        Assert.Equal(new[] { b.Port, c.Port }.Order(), relay.Runtime.HealthChecks.Checked.Select(k => k.Endpoint.Port).Order());
        await Eventually.TrueAsync(() => Endpoint(relay, c.Port).HealthCheck == "healthy", Wait);
        await AssertStoppedAsync(a);

        // Without health_check no loop runs and nothing is "pending".
        Assert.Empty(await relay.Runtime.ApplyAsync(relay.Reconfigure(sections.Replace(", " + Check.Replace("300ms", "400ms", StringComparison.Ordinal), "", StringComparison.Ordinal))));
        Assert.Empty(relay.Runtime.HealthChecks.Checked);
        Assert.All(relay.Runtime.ClustersView().Single().Endpoints, e => Assert.Null(e.HealthCheck));
        await AssertStoppedAsync(c);

        // A reload stops a loop without waiting for it (Reconcile runs inside the swap): a check
        // already sent when it stopped still reaches the app, so one more may land (CI saw c at 4
        // against 3). After that nothing: a live loop at 400 ms would add about three per 1.2 s.
        static async Task AssertStoppedAsync(HealthApp app)
        {
            var atReload = app.Checks;
            await Task.Delay(1200);
            var settled = app.Checks;
            Assert.InRange(settled, atReload, atReload + 1);
            await Task.Delay(1200);
            Assert.Equal(settled, app.Checks);
        }
    }

    /// <summary>The drain stops the checks: one in flight (an app that accepts and never answers) ends quietly, it does not make the dispose throw.</summary>
    [Fact]
    public async Task Dispose_WithACheckInFlight_DoesNotThrow()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(16);
        var accepted = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () => accepted.TrySetResult(await silent.AcceptAsync()));
        var port = ((IPEndPoint)silent.LocalEndPoint!).Port;
        var relay = await LoopbackRelay.StartAsync(
            $"services:\n  app: {{ port: 80, endpoints: [\"127.0.0.1:{port}\"], mesh_tls: false, protocol: http, "
            + "health_check: { path: /healthz, interval: 30s, timeout: 20s, jitter_percent: 0 } }\n", destination: null);
        using var held = await accepted.Task.WaitAsync(Wait);

        // The check has connected and sent its GET; it waits up to 20 s for an answer that never comes.
        var disposing = Stopwatch.StartNew();
        await relay.DisposeAsync();

        Assert.True(disposing.Elapsed < TimeSpan.FromSeconds(10), $"dispose took {disposing.Elapsed}");
    }

    private static async Task SendAsync(HttpClient client, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
