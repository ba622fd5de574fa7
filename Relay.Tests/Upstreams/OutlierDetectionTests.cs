using Relay.Core.Config;
using Relay.Core.Upstreams;
using Relay.Tests.Support;

namespace Relay.Tests.Upstreams;

/// <summary>Passive health: streak thresholds, ejection backoff, the max-ejection cap and the panic threshold.</summary>
[Trait("Tier", "Unit")]
public sealed class OutlierDetectionTests
{
    private static readonly OutlierDetectionSnapshot Policy = OutlierDetectionSnapshot.Default;

    private static ClusterState Cluster(int endpoints, string outlier = "")
    {
        var list = string.Join(", ", Enumerable.Range(0, endpoints).Select(i => $"198.18.0.{i + 2}:8080"));
        return new(TestConfigs.Load($$"""
            mesh: { trust_domain: mesh.test }
            services:
              orders: { port: 8080, endpoints: [{{list}}], mesh_tls: false, protocol: http, load_balancing: round-robin{{outlier}} }
            """).Services[0]);
    }

    [Fact]
    public void ConnectFailure_Backoff_DoublesPerEjectionAndCapsAt30s()
    {
        var health = new EndpointHealth();
        long[] expected = [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000];
        foreach (var ms in expected)
        {
            Assert.Equal(EjectionReason.ConnectFailure, health.Record(EndpointOutcome.ConnectFailed, Policy, 0));
            health.Eject(EjectionReason.ConnectFailure, Policy, 0);
            Assert.True(health.IsEjected(ms - 1));
            Assert.False(health.IsEjected(ms));
        }
        Assert.Equal(7, health.EjectionsFor(EjectionReason.ConnectFailure));
    }

    [Fact]
    public void ConnectSuccess_EndsAConnectFailureEjection()
    {
        var health = new EndpointHealth();
        health.Eject(EjectionReason.ConnectFailure, Policy, 0);
        health.Record(EndpointOutcome.Connected, Policy, 10);
        Assert.False(health.IsEjected(11));
    }

    [Fact]
    public void ConnectSuccess_DoesNotEndA5xxEjection()
    {
        var health = new EndpointHealth();
        health.Eject(EjectionReason.Consecutive5xx, Policy, 0);
        health.Record(EndpointOutcome.Connected, Policy, 10);
        Assert.True(health.IsEjected(11));
    }

    [Fact]
    public void Consecutive5xx_TripsOnTheFifth_AndAnyGoodResponseResetsTheStreak()
    {
        var health = new EndpointHealth();
        for (var i = 0; i < 4; i++)
        {
            Assert.Null(health.Record(EndpointOutcome.ServerError, Policy, 0));
        }
        Assert.Null(health.Record(EndpointOutcome.Responded, Policy, 0));
        for (var i = 0; i < 4; i++)
        {
            Assert.Null(health.Record(EndpointOutcome.ServerError, Policy, 0));
        }
        Assert.Equal(EjectionReason.Consecutive5xx, health.Record(EndpointOutcome.ServerError, Policy, 0));
    }

    [Fact]
    public void GatewayErrors_TripTheirOwnStreak_AndA500BreaksIt()
    {
        var health = new EndpointHealth();
        var custom = Policy with { Consecutive5xx = 100 };
        for (var i = 0; i < 4; i++)
        {
            Assert.Null(health.Record(EndpointOutcome.GatewayError, custom, 0));
        }
        Assert.Null(health.Record(EndpointOutcome.ServerError, custom, 0));
        for (var i = 0; i < 4; i++)
        {
            Assert.Null(health.Record(EndpointOutcome.GatewayError, custom, 0));
        }
        Assert.Equal(EjectionReason.ConsecutiveGatewayErrors, health.Record(EndpointOutcome.GatewayError, custom, 0));
    }

    [Fact]
    public void TlsFailure_EjectsAtOnce()
    {
        var cluster = Cluster(3);
        Assert.Equal(EjectionReason.TlsFailure, cluster.Report(1, EndpointOutcome.TlsFailed, 0));
        Assert.True(cluster.HealthOf(1).IsEjected(1));
    }

    [Fact]
    public void MaxEjectionPercent_OneMayAlwaysGo_TheSecondOnlyUnderTheCap()
    {
        // Envoy's 10%: of 3 endpoints the first may be ejected (none are yet), a second may not.
        var cluster = Cluster(3);
        Assert.Equal(EjectionReason.ConnectFailure, cluster.Report(0, EndpointOutcome.ConnectFailed, 0));
        Assert.Null(cluster.Report(1, EndpointOutcome.ConnectFailed, 0));
        Assert.False(cluster.HealthOf(1).IsEjected(1));

        // At 70% of 10 endpoints, seven may be ejected and the eighth may not.
        var large = Cluster(10, ", outlier_detection: { max_ejection_percent: 70 }");
        for (var i = 0; i < 7; i++)
        {
            Assert.NotNull(large.Report(i, EndpointOutcome.TlsFailed, 0));
        }
        Assert.Null(large.Report(7, EndpointOutcome.TlsFailed, 0));
    }

    [Fact]
    public void PanicThreshold_BelowHalfHealthy_BalancesOverEveryEndpoint()
    {
        var cluster = Cluster(4, ", outlier_detection: { max_ejection_percent: 100 }");
        cluster.Report(0, EndpointOutcome.TlsFailed, 0);
        cluster.Report(1, EndpointOutcome.TlsFailed, 0);
        // 2 of 4 healthy = 50%: not below the threshold, so only the healthy two are picked first.
        Assert.All(Enumerable.Range(0, 8), _ => Assert.Contains(cluster.PickOrder(1)[0], new[] { 2, 3 }));
        cluster.Report(2, EndpointOutcome.TlsFailed, 0);
        // 1 of 4 = 25% < 50%: panic, every endpoint takes its turn.
        var firsts = Enumerable.Range(0, 8).Select(_ => cluster.PickOrder(1)[0]).ToHashSet();
        Assert.Equal([0, 1, 2, 3], firsts.Order());
    }

    [Fact]
    public void EjectionCount_ForgottenAfterStayingHealthyForTheMaxEjectionTime()
    {
        var health = new EndpointHealth();
        health.Eject(EjectionReason.Consecutive5xx, Policy, 0);
        health.Eject(EjectionReason.Consecutive5xx, Policy, 0);
        Assert.Equal(2, health.Ejections);
        health.Record(EndpointOutcome.Responded, Policy, 10_000);
        Assert.Equal(2, health.Ejections);
        health.Record(EndpointOutcome.Responded, Policy, 2000 + 30_000);
        Assert.Equal(0, health.Ejections);
    }
}
