using System.Net;
using System.Net.Sockets;
using System.Text;
using Relay.Tests.Daemon;
using Relay.Tests.Root.Infrastructure;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Observability;

/// <summary>
/// A real Prometheus scrapes a running Relay's /metrics, and PromQL over what it stored returns what
/// the test's traffic produced: counts, the success ratio, a rate, and p50/p99 from the histogram.
/// L4 today (connections); request metrics join this test when the HTTP path lands.
/// </summary>
[Trait("Tier", "Loopback")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RealPrometheusTests : IDisposable
{
    private const int Short = 90;
    private const int Long = 10;
    private const int Refused = 20;

    /// <summary>Longer than 1 s so these land in the (1, 2.5] s bucket, far from the fast ones.</summary>
    private static readonly TimeSpan Hold = TimeSpan.FromMilliseconds(1300);

    private readonly string _dir = Directory.CreateTempSubdirectory("relay-promtest-").FullName;

    [Fact]
    public async Task Prometheus_ScrapesRelay_PromQlReturnsTheTrafficsCountsRatioRateAndQuantiles()
    {
        using var echo = new LoopbackEchoServer();
        int echoPort = FreePorts.Next(), deadListener = FreePorts.Next(), admin = FreePorts.Next();
        var config = Path.Combine(_dir, "mesh.yaml");
        File.WriteAllText(config, $$"""
            mesh: { trust_domain: mesh.test }
            capture: { outbound_port: {{FreePorts.Next()}}, inbound_port: {{FreePorts.Next()}}, ipv6: false }
            admin: { address: "127.0.0.1:{{admin}}" }
            services:
              echo: { port: {{echo.EndPoint.Port}}, endpoints: ["{{echo.EndPoint}}"], mesh_tls: false }
              dead: { port: {{FreePorts.Next()}}, endpoints: ["127.0.0.1:{{FreePorts.Next()}}"], mesh_tls: false }
            listeners:
              - { address: "127.0.0.1:{{echoPort}}", direction: outbound, service: echo }
              - { address: "127.0.0.1:{{deadListener}}", direction: outbound, service: dead }
            """);
        await using var relay = DaemonProcess.Start(_dir, config);
        await relay.WaitForDatagramAsync(m => m.StartsWith("READY=1", StringComparison.Ordinal));
        await using var prometheus = await PrometheusServer.StartAsync(new IPEndPoint(IPAddress.Loopback, admin));

        // One connection first, scraped before the measured traffic starts: every series then exists
        // with a sample from before, so rate() sees the whole increase instead of starting mid-way.
        await EchoAsync(echoPort, TimeSpan.Zero);
        await prometheus.WaitForValueAsync("sum(relay_connections_opened_total)", 1, DaemonProcess.Wait);
        var started = DateTime.UtcNow;
        var held = Enumerable.Range(0, Long).Select(_ => EchoAsync(echoPort, Hold)).ToList();
        for (var i = 0; i < Short; i++)
        {
            await EchoAsync(echoPort, TimeSpan.Zero);
            if (i < Refused)
            {
                await RefusedAsync(deadListener);
            }
            await Task.Delay(40); // ~4-6 s of traffic: several scrapes see it grow
        }
        await Task.WhenAll(held);
        var trafficSeconds = (DateTime.UtcNow - started).TotalSeconds;

        const string Completed = "sum(relay_connections_closed_total{direction=\"outbound\",reason=\"completed\"})";
        await prometheus.WaitForValueAsync(Completed, 1 + Short + Long, DaemonProcess.Wait);
        await prometheus.WaitForValueAsync("sum(relay_connections_closed_total{reason=\"upstream_connect_failed\"})", Refused, DaemonProcess.Wait);
        Assert.Equal("up", await prometheus.TargetHealthAsync());

        var success = await prometheus.ScalarAsync($"{Completed} / sum(relay_connections_closed_total)");
        Assert.Equal((double)(1 + Short + Long) / (1 + Short + Long + Refused), success!.Value, 6);
        // rate() since just before the traffic, times that window, is the traffic's count, give or take
        // Prometheus's extrapolation to the window's edges (a scrape every second).
        var window = (DateTime.UtcNow - started).TotalSeconds;
        var rate = await prometheus.ScalarAsync($"sum(rate(relay_connections_opened_total[{(int)Math.Ceiling(window)}s]))");
        Assert.True(rate!.Value * window >= 0.6 * (Short + Long + Refused) && rate.Value * window <= 1.4 * (Short + Long + Refused),
            $"rate {rate}/s over {window:F1}s (traffic {trafficSeconds:F1}s): {rate * window:F0} connections, expected {Short + Long + Refused}");
        const string Buckets = "sum by (le) (relay_connection_duration_seconds_bucket{direction=\"outbound\"})";
        var p99 = await prometheus.ScalarAsync($"histogram_quantile(0.99, {Buckets})");
        var p50 = await prometheus.ScalarAsync($"histogram_quantile(0.5, {Buckets})");
        // 10 of 120 connections were held 1.3 s: the 99th percentile is in the (1, 2.5] s bucket,
        // the median among the millisecond ones.
        Assert.InRange(p99!.Value, 1.0, 2.5);
        Assert.InRange(p50!.Value, 0, 0.1);
    }

    private static async Task EchoAsync(int port, TimeSpan hold)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await SocketIo.SendAllAsync(client, Encoding.ASCII.GetBytes("ping"));
        await Task.Delay(hold);
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal("ping", Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(client, DaemonProcess.Wait)));
    }

    private static async Task RefusedAsync(int port)
    {
        // The RST can beat connect()'s completion on loopback, so it may surface from either call.
        await Assert.ThrowsAnyAsync<SocketException>(async () =>
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            await SocketIo.ReadToEndAsync(client, DaemonProcess.Wait);
        });
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
