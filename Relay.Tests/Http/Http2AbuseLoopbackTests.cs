using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Relay.Tests.Support;

namespace Relay.Tests.Http;

/// <summary>
/// Hostile HTTP/2 clients against the L7 path (a hand-written frame client, RawH2Client): the
/// rapid reset of CVE-2023-44487 and a PING flood from a client that never reads the ACKs
/// (CVE-2019-9512). Relay closes the abusive connection, keeps serving other connections, lets at
/// most a bounded number of the abusive requests reach the upstream, and counts the close.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class Http2AbuseLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>Kestrel tracks at most max(2 × MaxStreamsPerConnection, 100) = 200 streams whose request is still running.</summary>
    private const int UpstreamBound = 200;

    [Fact]
    public async Task RapidReset_ClosesTheConnection_ABoundedNumberReachTheUpstream_OthersAreServed()
    {
        await using var upstream = await UpstreamApp.StartAsync(HttpProtocols.Http2);
        await using var relay = await L7Relay.StartAsync($"127.0.0.1:{upstream.Port}", "http2", out var listen);
        await using var attacker = await RawH2Client.ConnectAsync(listen);
        const int MaxStreams = 20_000;
        var started = Stopwatch.StartNew();
        var sent = 0;
        for (uint id = 1; sent < MaxStreams && started.Elapsed < Wait && !attacker.Closed.IsCompleted; id += 2)
        {
            try
            {
                await attacker.SendGetAndResetAsync(id, "/hello");
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                break; // the server closed the connection under us
            }
            sent++;
        }

        // Relay's reset budget (200 early resets, over half the streams) or Kestrel's own output-queue bound, whichever first:
        // the loopback socket buffers may have taken all 20,000 pairs by then, but the connection must end.
        await attacker.Closed.WaitAsync(Wait);
        Assert.InRange(upstream.Requests, 0, UpstreamBound);
        await AssertServedAsync(listen);
        var line = await relay.Log.WaitForAccessLineAsync(l => l.Contains("protocol=http2", StringComparison.Ordinal) && !l.Contains("reason=completed", StringComparison.Ordinal), TimeSpan.FromSeconds(40));
        Assert.True(line.Contains("reason=http2_flood", StringComparison.Ordinal), line + "\nrequest lines: " + relay.Log.Messages.Count(m => m.StartsWith("request ", StringComparison.Ordinal)) + "\n" + string.Join("\n", relay.Log.Messages.Where(m => m.Contains("exceeded", StringComparison.Ordinal) || m.Contains("GOAWAY", StringComparison.Ordinal)).Take(5)));
        Assert.Contains("relay_connections_closed_total{direction=\"outbound\",reason=\"http2_flood\"} 1", relay.Exporter.Scrape());
    }

    [Fact]
    public async Task PingFlood_FromAClientThatNeverReads_IsClosed_OthersAreServed()
    {
        await using var upstream = await UpstreamApp.StartAsync(HttpProtocols.Http2);
        await using var relay = await L7Relay.StartAsync($"127.0.0.1:{upstream.Port}", "http2", out var listen, "http_keep_alive_timeout: 2s");
        await using var attacker = await RawH2Client.ConnectAsync(listen, read: false);
        var started = Stopwatch.StartNew();
        var sent = 0;
        // At most 2M PINGs (34 MB) in 20 s; each ACK Kestrel owes goes into a socket nobody reads.
        for (ulong batch = 0; sent < 2_000_000 && started.Elapsed < Wait && !attacker.Closed.IsCompleted; batch++)
        {
            try
            {
                await attacker.SendPingsAsync(1000, batch * 1000);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                break;
            }
            sent += 1000;
        }

        await attacker.Closed.WaitAsync(Wait);
        Assert.True(sent < 2_000_000, "the whole flood was accepted: nothing pushed back");
        await AssertServedAsync(listen);
        var line = await relay.Log.WaitForAccessLineAsync(l => l.Contains("protocol=http2", StringComparison.Ordinal) && !l.Contains("reason=completed", StringComparison.Ordinal), Wait);
        Assert.True(line.Contains("reason=client_too_slow", StringComparison.Ordinal), $"{line}\nPINGs sent: {sent} in {started.ElapsedMilliseconds} ms");
        Assert.Contains("relay_connections_closed_total{direction=\"outbound\",reason=\"client_too_slow\"} 1", relay.Exporter.Scrape());
    }

    private static async Task AssertServedAsync(int port)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Wait,
        };
        using var response = await client.GetAsync($"http://127.0.0.1:{port}/hello");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
