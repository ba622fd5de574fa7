using System.Net;
using System.Net.Sockets;
using System.Text;
using Relay.Core.Net;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Upstreams;

/// <summary>
/// relay_upstream_connect_failures_total counts every failed attempt of a failover, one per endpoint
/// tried; relay_upstream_connect_seconds times each successful attempt alone.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class UpstreamConnectMetricsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task EveryEndpointRefusing_CountsOneFailurePerAttempt_AndNoSuccess()
    {
        int[] dead = [FreePorts.Next(), FreePorts.Next(), FreePorts.Next()];
        await using var relay = await StartAsync(dead[0], dead);

        // The RST can beat connect()'s completion on loopback, so it may surface from either call.
        await Assert.ThrowsAnyAsync<SocketException>(async () =>
        {
            using var client = await relay.ConnectAsync();
            await SocketIo.ReadToEndAsync(client, Wait);
        });
        await relay.Log.WaitForAccessLineAsync(l => l.Contains("reason=upstream_connect_failed"), Wait);

        var scrape = relay.Exporter.Scrape();
        Assert.Contains("relay_upstream_connect_failures_total{service=\"orders\"} 3\n", scrape);
        // No attempt succeeded, so the histogram holds nothing (and the exporter writes no series for it).
        Assert.DoesNotMatch("relay_upstream_connect_seconds_count [1-9]", scrape);
    }

    [Fact]
    public async Task FailoverToALiveEndpoint_TimesOnlyTheSuccessfulAttempt()
    {
        using var echo = new LoopbackEchoServer();
        int[] ports = [FreePorts.Next(), FreePorts.Next(), echo.EndPoint.Port];
        await using var relay = await StartAsync(ports[2], ports);
        const int Connections = 3;

        for (var i = 0; i < Connections; i++)
        {
            using var client = await relay.ConnectAsync();
            await SocketIo.SendAllAsync(client, Encoding.ASCII.GetBytes("hi"));
            client.Shutdown(SocketShutdown.Send);
            Assert.Equal("hi", Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(client, Wait)));
        }
        await Eventually.TrueAsync(() => relay.Log.AccessLines.Count(l => l.Contains("reason=completed")) == Connections, Wait);

        var scrape = relay.Exporter.Scrape();
        Assert.Contains($"relay_upstream_connect_seconds_count {Connections}\n", scrape);
        // Round robin starts each connection at another endpoint, and a refused endpoint is then
        // ejected (tried last): the dead ones were tried at least once in all, each attempt counted.
        var failures = FailuresOf(scrape);
        Assert.InRange(failures, 1, 2 * Connections);
        Assert.Equal(failures, relay.Runtime.ActiveConfig.Clusters.All.Single().Endpoints
            .Select((_, i) => relay.Runtime.ActiveConfig.Clusters.All.Single().HealthOf(i).ConsecutiveFailures).Sum());
    }

    private static Task<LoopbackRelay> StartAsync(int destinationPort, int[] ports) => LoopbackRelay.StartAsync(
        $$"""
        limits: { connect_timeout: 2s }
        services:
          orders: { port: {{ports[0]}}, endpoints: [{{string.Join(", ", ports.Select(p => $"\"127.0.0.1:{p}\""))}}] }
        """,
        new OriginalDestination(NetEndpoint.From(new IPEndPoint(IPAddress.Loopback, destinationPort))));

    private static long FailuresOf(string scrape)
    {
        const string Prefix = "relay_upstream_connect_failures_total{service=\"orders\"} ";
        var line = scrape.Split('\n').SingleOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[Prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
