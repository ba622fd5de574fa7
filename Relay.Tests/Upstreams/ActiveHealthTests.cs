using Relay.Core.Config;
using Relay.Core.Upstreams;

namespace Relay.Tests.Upstreams;

/// <summary>The active health threshold state machine (Envoy's: rise after healthy_threshold, fall after unhealthy_threshold; one pass at start).</summary>
[Trait("Tier", "Unit")]
public sealed class ActiveHealthTests
{
    private static readonly HealthCheckSnapshot Policy = HealthCheckSnapshot.Default with { HealthyThreshold = 2, UnhealthyThreshold = 3 };

    [Fact]
    public void NeverChecked_IsPending_AndNotHealthy()
    {
        var health = new ActiveHealth();
        Assert.Equal(HealthCheckState.Pending, health.State);
        Assert.False(health.IsHealthy);
    }

    [Fact]
    public void FirstPass_MakesItHealthyAtOnce()
    {
        var health = new ActiveHealth();
        Assert.Equal(HealthCheckState.Healthy, health.Record(HealthCheckResult.Passed, Policy));
        Assert.True(health.IsHealthy);
        Assert.Null(health.Record(HealthCheckResult.Passed, Policy));
    }

    [Fact]
    public void FirstFailure_IsUnhealthyAtOnce_ThenHealthyThresholdPassesBringItBack()
    {
        var health = new ActiveHealth();
        Assert.Equal(HealthCheckState.Unhealthy, health.Record(HealthCheckResult.ConnectFailed, Policy));
        Assert.Equal(HealthCheckResult.ConnectFailed, health.LastFailure);
        Assert.Null(health.Record(HealthCheckResult.Passed, Policy));
        Assert.False(health.IsHealthy);
        Assert.Null(health.LastFailure);
        Assert.Equal(HealthCheckState.Healthy, health.Record(HealthCheckResult.Passed, Policy));
        Assert.True(health.IsHealthy);
    }

    [Fact]
    public void Healthy_FallsOnlyAfterUnhealthyThresholdFailuresInARow()
    {
        var health = new ActiveHealth();
        health.Record(HealthCheckResult.Passed, Policy);
        Assert.Null(health.Record(HealthCheckResult.BadStatus, Policy));
        Assert.Null(health.Record(HealthCheckResult.Timeout, Policy));
        // A pass in between starts the streak again.
        Assert.Null(health.Record(HealthCheckResult.Passed, Policy));
        Assert.Null(health.Record(HealthCheckResult.BadStatus, Policy));
        Assert.Null(health.Record(HealthCheckResult.BadStatus, Policy));
        Assert.True(health.IsHealthy);
        Assert.Equal(HealthCheckState.Unhealthy, health.Record(HealthCheckResult.TlsFailed, Policy));
        Assert.False(health.IsHealthy);
        Assert.Equal(HealthCheckResult.TlsFailed, health.LastFailure);
    }

    [Fact]
    public void Unhealthy_RisesOnlyAfterHealthyThresholdPassesInARow()
    {
        var health = new ActiveHealth();
        health.Record(HealthCheckResult.Passed, Policy);
        for (var i = 0; i < 3; i++)
        {
            health.Record(HealthCheckResult.BadStatus, Policy);
        }
        Assert.Null(health.Record(HealthCheckResult.Passed, Policy));
        Assert.Null(health.Record(HealthCheckResult.BadStatus, Policy));
        Assert.Null(health.Record(HealthCheckResult.Passed, Policy));
        Assert.False(health.IsHealthy);
        Assert.Equal(HealthCheckState.Healthy, health.Record(HealthCheckResult.Passed, Policy));
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(399, true)]
    [InlineData(199, false)]
    [InlineData(400, false)]
    [InlineData(503, false)]
    public void DefaultStatuses_Are200To399(int status, bool passes)
    {
        Assert.Equal(passes, StatusRange.Default.Contains(status));
    }
}
