using Relay.Core.Net;
using Relay.Core.Upstreams;
using Relay.Core.Upstreams.Balancing;
using Relay.Tests.Support;

namespace Relay.Tests.Upstreams;

/// <summary>PickOrder with active health checks and with locality: who is skipped, who is preferred, and when the panic threshold overrides both.</summary>
[Trait("Tier", "Unit")]
public sealed class HealthAwarePickTests
{
    private static ClusterState Checked(int endpoints = 3) => new(TestConfigs.Load($$"""
        mesh: { trust_domain: mesh.test }
        services:
          orders: { port: 8080, endpoints: [{{string.Join(", ", Enumerable.Range(2, endpoints).Select(i => $"198.18.0.{i}:8080"))}}], mesh_tls: false, health_check: { path: /healthz } }
        """).Services[0]);

    private static void Pass(ClusterState cluster, params int[] indexes)
    {
        foreach (var i in indexes)
        {
            cluster.StateOf(i).Active.Record(HealthCheckResult.Passed, cluster.Service.HealthCheck!);
        }
    }

    [Fact]
    public void UncheckedAndFailingEndpoints_AreSkipped_ButStayLastResorts()
    {
        var cluster = Checked();
        Pass(cluster, 0, 1);
        cluster.StateOf(2).Active.Record(HealthCheckResult.BadStatus, cluster.Service.HealthCheck!);
        for (var i = 0; i < 20; i++)
        {
            var order = cluster.PickOrder(0);
            Assert.NotEqual(2, order[0]);
            Assert.Equal(2, order[^1]);
        }
    }

    [Fact]
    public void TooFewPassing_PanicThreshold_BalancesOverAll()
    {
        // 1 of 3 passing is under Envoy's 50% panic threshold: every endpoint takes picks again.
        var cluster = Checked();
        Pass(cluster, 0);
        var firsts = Enumerable.Range(0, 30).Select(_ => cluster.PickOrder(0)[0]).ToHashSet();
        Assert.Equal([0, 1, 2], firsts.Order());
    }

    [Fact]
    public void ServiceWithoutHealthCheck_IgnoresAStaleVerdict()
    {
        var cluster = new ClusterState(TestConfigs.Load("""
            mesh: { trust_domain: mesh.test }
            services:
              orders: { port: 8080, endpoints: [198.18.0.2:8080, 198.18.0.3:8080], mesh_tls: false }
            """).Services[0]);
        Assert.True(cluster.IsHealthy(0, 0));
        Assert.Equal([0, 1], cluster.PickOrder(0));
    }

    private static ClusterState Zoned(string? localZone, int seed = 1) => new(TestConfigs.Load("""
        mesh: { trust_domain: mesh.test }
        services:
          orders:
            port: 8080
            mesh_tls: false
            endpoints:
              - { address: 198.18.0.2:8080, zone: a }
              - { address: 198.18.0.3:8080, zone: a }
              - { address: 198.18.0.4:8080, zone: b }
              - { address: 198.18.0.5:8080, zone: b }
              - { address: 198.18.0.6:8080 }
        """).Services[0], random: new Random(seed), localZone: localZone);

    [Fact]
    public void LocalityOf_SameCrossOrDash_ByTypedEndpointAndByItsText_NullWithoutAZone()
    {
        var cluster = Zoned("a");
        NetEndpoint At(string text) => NetEndpoint.TryParse(text, out var e) ? e : throw new FormatException(text);

        Assert.Equal<string?[]>(["same", "cross", "-", "-", "-"], new[]
        {
            cluster.LocalityOf(At("198.18.0.3:8080")), cluster.LocalityOf(At("198.18.0.4:8080")),
            cluster.LocalityOf(At("198.18.0.6:8080")), cluster.LocalityOf(At("198.18.0.9:8080")), cluster.LocalityOf((NetEndpoint?)null),
        });
        Assert.Equal<string?[]>(["same", "cross", "-", "-"], new[]
        {
            cluster.LocalityOf("198.18.0.2:8080"), cluster.LocalityOf("198.18.0.5:8080"), cluster.LocalityOf("198.18.0.6:8080"), cluster.LocalityOf("-"),
        });
        Assert.Null(Zoned(null).LocalityOf(At("198.18.0.2:8080")));
        Assert.Null(Zoned(null).LocalityOf("198.18.0.2:8080"));
    }

    [Fact]
    public void LocalZoneHealthy_EveryPickIsLocal_OthersAreFailover()
    {
        var cluster = Zoned("a");
        for (var i = 0; i < 200; i++)
        {
            var order = cluster.PickOrder(0);
            Assert.Contains(order[0], new[] { 0, 1 });
            Assert.Contains(order[1], new[] { 0, 1 });
            Assert.Equal(5, order.Distinct().Count());
        }
    }

    [Fact]
    public void HalfTheLocalZoneEjected_SeventyPercentStayLocal()
    {
        var cluster = Zoned("a", seed: 7);
        cluster.HealthOf(0).Eject(EjectionReason.ConnectFailure, cluster.Service.OutlierDetection, nowMs: 0);
        var local = Enumerable.Range(0, 2000).Count(_ => cluster.PickOrder(10)[0] == 1);
        // 1 of 2 local healthy: 50% × 1.4 = 70% local (ZoneSpill); ±5 points for 2000 draws.
        Assert.InRange(local, 1300, 1500);
    }

    [Fact]
    public void NoLocalZone_OrNoEndpointInIt_BalancesOverAll()
    {
        foreach (var zone in new string?[] { null, "c" })
        {
            var cluster = Zoned(zone);
            var firsts = Enumerable.Range(0, 10).Select(_ => cluster.PickOrder(0)[0]).ToHashSet();
            Assert.Equal(5, firsts.Count);
        }
    }
}
