using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Relay.Core.Admin;
using Relay.Core.Net;
using Relay.Core.Observability;
using Relay.Tests.Support;

namespace Relay.Tests.Admin;

/// <summary>
/// A local user holding idle and half-sent connections to the admin port (issue 17 §3): /live
/// and /ready stay answerable, and the held sockets are dropped by the header and idle timeouts.
/// </summary>
[Trait("Tier", "Loopback")]
[Collection(TimingCollection.Name)]
public sealed class AdminFloodTests : IAsyncLifetime
{
    // 100 + 100 held: over three times the 64 that blinded the port before.
    private const int Idle = 100;
    private const int Partial = 100;

    private readonly RelayMetrics _metrics = new(version: "9.9.9");
    private readonly List<Socket> _held = [];
    private PrometheusExporter _exporter = null!;
    private AdminServer _server = null!;

    public async Task InitializeAsync()
    {
        _exporter = new PrometheusExporter(_metrics.Meter);
        var endpoints = new AdminEndpoints(() => true, _exporter, () => new { Revision = "abc" }, Certs: () => new { });
        _server = await AdminServer.StartAsync(new NetEndpoint(IPAddress.Loopback, 0), endpoints, null, CancellationToken.None);
    }

    [Fact]
    public async Task IdleAndPartialHeaderFlood_LiveAndReadyStillAnswer_HeldSocketsDropped()
    {
        for (var i = 0; i < Idle + Partial; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(_server.BoundAddress.ToIPEndPoint());
            if (i >= Idle)
            {
                await socket.SendAsync("GET /live HTTP/1.1\r\nHost: x\r\n"u8.ToArray()); // never the blank line
            }
            _held.Add(socket);
        }

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        foreach (var path in new[] { "/live", "/ready", "/metrics" })
        {
            using var response = await client.GetAsync($"http://{_server.BoundAddress}{path}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Header timeout 3 s + Kestrel's 1 s heartbeat: every held socket sees the server's close by then.
        var deadline = AdminLimits.RequestHeadersTimeout + TimeSpan.FromSeconds(4);
        var started = Stopwatch.GetTimestamp();
        var closed = await Task.WhenAll(_held.Select(s => ClosedByServerAsync(s, deadline)));
        Assert.All(closed, Assert.True);
        Assert.True(Stopwatch.GetElapsedTime(started) < deadline);
    }

    private static async Task<bool> ClosedByServerAsync(Socket socket, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[512];
        try
        {
            // A partial request may get a 408 first; the close is what frees the slot.
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async Task DisposeAsync()
    {
        _held.ForEach(s => s.Dispose());
        await _server.DisposeAsync();
        _exporter.Dispose();
        _metrics.Dispose();
    }
}
