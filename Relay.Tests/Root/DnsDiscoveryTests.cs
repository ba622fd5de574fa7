using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Relay.Tests.Root.Infrastructure;
using Xunit.Abstractions;

namespace Relay.Tests.Root;

/// <summary>
/// dns: discovery against a real DNS server (dnsmasq in host A's namespace) under L4 traffic: an
/// app on A opens a fresh connection to the service's virtual address every 100 ms; Relay A
/// resolves echo.mesh.test (A and AAAA) and forwards to B and C. The records change under that
/// traffic, and each new endpoint must take connections within TTL + 1 s without one failing;
/// then dnsmasq stops and the last good set keeps serving.
/// </summary>
[Trait("Tier", "Root")]
[Collection(RootCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DnsDiscoveryTests(ITestOutputHelper output)
{
    private const int TtlSeconds = 1;
    private const string Name = "echo.mesh.test";
    private static readonly IPAddress Virtual = IPAddress.Parse("198.18.0.100");
    private static readonly TimeSpan ChangeBound = TimeSpan.FromSeconds(TtlSeconds + 1);

    [Fact]
    public async Task DnsRecordsChange_UnderTraffic_NewEndpointsWithinTtlPlusOne_NoFailures_AndDnsDownKeepsTheLastGoodSet()
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync(withHostC: true);
        await using var echoB = EchoServer.Start(mesh.B, MeshConfigs.ServicePort);
        await using var echoC = EchoServer.Start(mesh.C, MeshConfigs.ServicePort);
        await using var dns = await DnsmasqServer.StartAsync(mesh.A, "mesh.test", TtlSeconds, $"{mesh.B.IPv4} {Name}\n");
        var relay = await mesh.StartRelayAsync(mesh.A, new MeshYamlOptions
        {
            Discovery = $"resolvers: [\"127.0.0.1:{DnsmasqServer.Port}\"], min_ttl: {TtlSeconds}s, max_ttl: 30s, query_timeout: 500ms",
            Services = [new ServiceSpec("echo", MeshConfigs.ServicePort, []) { Dns = Name, Addresses = [Virtual.ToString()] }],
        });
        await using var load = ConnectionLoad.Start(mesh.A, new IPEndPoint(Virtual, MeshConfigs.ServicePort));
        Assert.True(await load.WaitForMoreSuccessesAsync(5, TimeSpan.FromSeconds(20)), $"{load}\n{relay}");
        Assert.Empty(echoC.AcceptedFrom);

        // C joins, on IPv4 and IPv6 (the AAAA record).
        var joined = await ChangeAsync(dns, $"{mesh.B.IPv4} {Name}\n{mesh.C.IPv4} {Name}\n{mesh.C.IPv6} {Name}\n",
            () => echoC.AcceptedFrom.Count > 0);
        await Eventually(() => echoC.AcceptedFrom.Any(e => e.AddressFamily == AddressFamily.InterNetworkV6 && !e.Address.IsIPv4MappedToIPv6));

        // B leaves: after TTL + 1 s it takes no new connection.
        await dns.SetHostsAsync($"{mesh.C.IPv4} {Name}\n{mesh.C.IPv6} {Name}\n");
        await Task.Delay(ChangeBound);
        var bAfterRemoval = echoB.AcceptedFrom.Count;
        Assert.True(await load.WaitForMoreSuccessesAsync(10, TimeSpan.FromSeconds(20)), $"{load}\n{relay}");
        Assert.Equal(bAfterRemoval, echoB.AcceptedFrom.Count);

        // DNS down: queries fail, the last good set (C) keeps serving.
        await dns.StopAsync();
        var failed = await MetricsScrape.WaitForAsync(mesh.A,
            m => m.Sum("relay_discovery_resolutions_total", ("service", "echo"), ("result", "failed")) >= 2, TimeSpan.FromSeconds(20));
        Assert.True(await load.WaitForMoreSuccessesAsync(10, TimeSpan.FromSeconds(20)), $"{load}\n{relay}");
        await load.StopAsync();

        output.WriteLine($"change to effect: C joined after {joined.TotalMilliseconds:0} ms; {load}");
        Assert.True(joined <= ChangeBound, $"C took its first connection {joined.TotalMilliseconds:0} ms after the change (bound {ChangeBound.TotalMilliseconds:0} ms)");
        Assert.True(load.Failures.Count == 0, $"{load}\n{relay}");
        // The last good set: C over IPv4 and IPv6.
        Assert.Equal(2, failed.Sum("relay_discovery_endpoints", ("service", "echo")));
        var clusters = await AdminClient.GetAsync(mesh.A, "/clusters", TimeSpan.FromSeconds(5));
        Assert.NotNull(clusters);
        using var view = System.Text.Json.JsonDocument.Parse(clusters.Value.Body);
        var echo = view.RootElement[0];
        var discovery = echo.GetProperty("discovery");
        Assert.Equal($"dns:{Name}:{MeshConfigs.ServicePort}", discovery.GetProperty("source").GetString());
        Assert.Equal("failed", discovery.GetProperty("lastOutcome").GetString());
        Assert.Equal([$"{mesh.C.IPv4}:8080", $"[{mesh.C.IPv6}]:8080"],
            echo.GetProperty("endpoints").EnumerateArray().Select(e => e.GetProperty("address").GetString()).Order(StringComparer.Ordinal));
    }

    /// <summary>Rewrites the records (dnsmasq has re-read them when this returns) and times how long until <paramref name="effect"/> holds.</summary>
    private static async Task<TimeSpan> ChangeAsync(DnsmasqServer dns, string hosts, Func<bool> effect)
    {
        await dns.SetHostsAsync(hosts);
        var clock = Stopwatch.StartNew();
        while (!effect() && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(20);
        }
        return clock.Elapsed;
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "condition not reached in 15 s");
            await Task.Delay(50);
        }
    }
}
