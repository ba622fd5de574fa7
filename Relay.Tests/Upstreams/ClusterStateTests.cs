using Relay.Core.Upstreams;
using Relay.Tests.Support;

namespace Relay.Tests.Upstreams;

[Trait("Tier", "Unit")]
public sealed class ClusterStateTests
{
    private static ClusterState Cluster() => new(TestConfigs.Load("""
        mesh: { trust_domain: mesh.test }
        services:
          orders: { port: 8080, endpoints: [198.18.0.2:8080, 198.18.0.3:8080, 198.18.0.4:8080], mesh_tls: false }
        """).Services[0]);

    [Fact]
    public void PickOrder_RotatesRoundRobin()
    {
        var cluster = Cluster();
        Assert.Equal([0, 1, 2], cluster.PickOrder(0));
        Assert.Equal([1, 2, 0], cluster.PickOrder(0));
        Assert.Equal([2, 0, 1], cluster.PickOrder(0));
        Assert.Equal([0, 1, 2], cluster.PickOrder(0));
    }

    [Fact]
    public void PickOrder_PutsEjectedEndpointsLast_ButStillTriesThem()
    {
        var cluster = Cluster();
        cluster.Report(0, EndpointOutcome.ConnectFailed, nowMs: 1000);
        // The balancer rotates over the healthy two; the ejected one is the last resort.
        Assert.Equal([1, 2, 0], cluster.PickOrder(1000));
        Assert.Equal([2, 1, 0], cluster.PickOrder(1500));
        // Ejection (1 s after the first failure) is over: back in rotation.
        Assert.Equal([2, 0, 1], cluster.PickOrder(2500));
    }

    [Fact]
    public void PickOrder_EveryEndpointEjected_BalancesOverAllOfThem()
    {
        var cluster = Cluster();
        for (var i = 0; i < 3; i++)
        {
            cluster.HealthOf(i).Eject(EjectionReason.ConnectFailure, cluster.Service.OutlierDetection, nowMs: 0);
        }
        Assert.Equal([0, 1, 2], cluster.PickOrder(10));
        Assert.Equal([1, 2, 0], cluster.PickOrder(10));
    }

    [Fact]
    public void PickOrder_WithinASubset_NeverOrdersAnEndpointOutsideIt()
    {
        var cluster = Cluster();
        for (var i = 0; i < 4; i++)
        {
            var order = cluster.PickOrder(new Relay.Core.Upstreams.Balancing.PickContext(0), [0, 2]);
            Assert.Equal(2, order.Length);
            Assert.DoesNotContain(1, order);
        }
    }

    [Fact]
    public void ClusterSet_ChangedService_KeepsTheStateOfEndpointsThatStayed()
    {
        var before = TestConfigs.Load("""
            mesh: { trust_domain: mesh.test }
            services:
              a: { port: 8080, endpoints: [198.18.0.2:8080, 198.18.0.3:8080], mesh_tls: false }
            """);
        var after = TestConfigs.Load("""
            mesh: { trust_domain: mesh.test }
            services:
              a: { port: 8080, endpoints: [198.18.0.3:8080, 198.18.0.4:8080], mesh_tls: false, load_balancing: least-request }
            """);
        var first = ClusterSet.Build(before.Services);
        var kept = first[before.Services[0]].StateOf(1);
        kept.Latency.Observe(TimeSpan.FromMilliseconds(80), 0);
        using var lease = kept.Begin();

        var second = ClusterSet.Build(after.Services, first)[after.Services[0]];

        Assert.Same(kept, second.StateOf(0));
        Assert.Equal(1, second.StateOf(0).InFlight);
        Assert.NotSame(first[before.Services[0]].StateOf(0), second.StateOf(1));
        Assert.Equal(0, second.StateOf(1).InFlight);
        Assert.IsType<Relay.Core.Upstreams.Balancing.LeastRequestBalancer>(second.Balancer);
    }

    [Fact]
    public void ClusterSet_KeepsStateOfUnchangedServiceAcrossReload()
    {
        var before = TestConfigs.Load("""
            mesh: { trust_domain: mesh.test }
            services:
              a: { port: 8080, endpoints: [198.18.0.2:8080], mesh_tls: false }
              b: { port: 9090, endpoints: [198.18.0.3:9090], mesh_tls: false }
            """);
        var after = TestConfigs.Load("""
            mesh: { trust_domain: mesh.test }
            services:
              a: { port: 8080, endpoints: [198.18.0.2:8080], mesh_tls: false }
              b: { port: 9090, endpoints: [198.18.0.4:9090], mesh_tls: false }
            """);
        var first = ClusterSet.Build(before.Services);
        var second = ClusterSet.Build(after.Services, first);
        Assert.Same(first[before.Services[0]], second[after.Services[0]]);
        Assert.NotSame(first[before.Services[1]], second[after.Services[1]]);
    }
}
