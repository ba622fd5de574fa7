using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using Relay.Core.Net;
using Relay.Tests.Runtime;
using Relay.Tests.Support;
using Relay.Tests.Upstreams;

namespace Relay.Tests.Connections;

/// <summary>Local rate limits on an inbound port with a real Relay: requests (L7, 429) and new connections (any protocol, reset).</summary>
[Trait("Tier", "Loopback")]
public sealed class RateLimitLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RequestRateLimit_AdmitsTheConfiguredRateWithinTenPercent_AndAnswers429WithRetryAfter()
    {
        const int Rate = 50, Burst = 10, Workers = 4, MaxRequests = 20_000;
        var run = TimeSpan.FromSeconds(3);
        await using var app = await StatusApp.StartAsync(200);
        var port = FreePorts.Next();
        await using var relay = await LoopbackRelay.StartAsync(
            $"inbound:\n  - {{ port: {port}, forward_to: \"127.0.0.1:{app.Port}\", protocol: http, rate_limit: {{ requests_per_second: {Rate}, burst: {Burst} }} }}\n",
            new OriginalDestination(new NetEndpoint(IPAddress.Loopback, port)));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{relay.InboundPort}"), Timeout = Wait };
        // Drain the burst first (and warm the path), so the run measures the refill rate alone:
        // a bucket that sits full while the client warms up loses what it would have refilled.
        Assert.InRange(await RateLimitedLoad.DrainAsync(client, "/"), Burst, Burst + 5);
        var servedBefore = app.Served;

        var (ok, limited, _, elapsed, retryAfter, reason) = await RateLimitedLoad.RunAsync(client, "/", Workers, run, MaxRequests);

        // From an empty bucket: the rate for as long as the run lasted.
        var expected = Rate * elapsed;
        Assert.True(limited > ok, $"the client did not outrun the limit ({ok} ok, {limited} limited): nothing was measured");
        Assert.InRange(ok, expected * 0.9, expected * 1.1);
        Assert.Equal(ok, app.Served - servedBefore);
        Assert.Equal("1", retryAfter);
        Assert.Equal("rate_limited", reason);
        Assert.Contains($"relay_request_errors_total{{direction=\"inbound\",reason=\"rate_limited\",service=\"inbound:{port}\"}} {limited + 1}", relay.Exporter.Scrape());
    }

    [Fact]
    public async Task ConnectionRateLimit_PastTheBurst_NewConnectionsAreReset()
    {
        using var echo = new LoopbackEchoServer();
        var port = FreePorts.Next();
        await using var relay = await LoopbackRelay.StartAsync(
            $"inbound:\n  - {{ port: {port}, forward_to: \"127.0.0.1:{echo.EndPoint.Port}\", connection_rate_limit: {{ connections_per_second: 1, burst: 3 }} }}\n",
            new OriginalDestination(new NetEndpoint(IPAddress.Loopback, port)));

        var echoed = 0;
        for (var i = 0; i < 10; i++)
        {
            if (await EchoesAsync(relay.InboundPort))
            {
                echoed++;
            }
        }

        // Three from the burst, and at most one or two more if the loop outlasted a refill on a slow machine.
        Assert.InRange(echoed, 3, 5);
        await Eventually.TrueAsync(() => relay.Log.AccessLines.Count(l => l.Contains("reason=connection_rate_limited")) == 10 - echoed, Wait);
    }

    private static async Task<bool> EchoesAsync(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port);
            await SocketIo.SendAllAsync(socket, Encoding.ASCII.GetBytes("ping"));
            socket.Shutdown(SocketShutdown.Send);
            return Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(socket, Wait)) == "ping";
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
