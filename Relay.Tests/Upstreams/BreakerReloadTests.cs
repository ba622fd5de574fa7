using Relay.Core.Config;
using Relay.Core.Upstreams;
using Relay.Tests.Support;

namespace Relay.Tests.Upstreams;

/// <summary>What reloads do to breaker counts and ejection counters: carried on, never restarted or dropped.</summary>
[Trait("Tier", "Unit")]
public sealed class BreakerReloadTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void ChangedLimits_CountTheConnectionsAndRetriesAlreadyOpen()
    {
        var old = new CircuitBreakers(new CircuitBreakersSnapshot(2, 0, 10, 1));
        Assert.True(old.TryOpenConnection() && old.TryOpenConnection() && old.TryRetry());

        var raised = new CircuitBreakers(new CircuitBreakersSnapshot(3, 0, 10, 2), old);
        Assert.Equal(2, raised.Connections);
        Assert.True(raised.TryOpenConnection());
        Assert.False(raised.TryOpenConnection());
        Assert.True(raised.TryRetry());
        Assert.False(raised.TryRetry());
        // A connection opened under the old limits closes on the object it began on: the new limit sees the slot free.
        old.CloseConnection();
        Assert.True(raised.TryOpenConnection());
    }

    [Fact]
    public async Task ChangedLimits_CountTheRequestsStillInFlight()
    {
        var old = new CircuitBreakers(new CircuitBreakersSnapshot(10, 0, 2, 3));
        using var first = await old.EnterRequestAsync(Long, default);
        var second = await old.EnterRequestAsync(Long, default);
        Assert.True(first.IsAcquired && second.IsAcquired);

        var raised = new CircuitBreakers(new CircuitBreakersSnapshot(10, 0, 3, 3), old);
        Assert.Equal(2, raised.RequestsInFlight);
        using var third = await raised.EnterRequestAsync(Long, default);
        Assert.True(third.IsAcquired);
        using (var fourth = await raised.EnterRequestAsync(Long, default))
        {
            Assert.False(fourth.IsAcquired);
        }
        second.Dispose();
        using var fifth = await raised.EnterRequestAsync(Long, default);
        Assert.True(fifth.IsAcquired);
    }

    [Fact]
    public void ReloadThatRemovesAnEjectedEndpoint_KeepsItsEjectionsInTheServiceCount()
    {
        static ServiceSnapshot Service(string endpoints) => TestConfigs.Load($$"""
            mesh: { trust_domain: mesh.test }
            services:
              orders: { port: 8080, endpoints: [{{endpoints}}], mesh_tls: false }
            """).Services[0];
        var before = ClusterSet.Build([Service("198.18.0.2:8080, 198.18.0.3:8080")]);
        var cluster = before.Find("orders")!;
        cluster.Report(1, EndpointOutcome.ConnectFailed, nowMs: 0);
        Assert.Equal(1, cluster.States.Sum(s => s.Health.EjectionsFor(EjectionReason.ConnectFailure)));

        var after = ClusterSet.Build([Service("198.18.0.2:8080")], before).Find("orders")!;
        Assert.Equal(0, after.States.Sum(s => s.Health.EjectionsFor(EjectionReason.ConnectFailure)));
        Assert.Equal(1, after.RetiredEjections(EjectionReason.ConnectFailure));
        // And on through later reloads.
        var later = ClusterSet.Build([Service("198.18.0.2:8080, 198.18.0.4:8080")], ClusterSet.Build([Service("198.18.0.2:8080")], before)).Find("orders")!;
        Assert.Equal(1, later.RetiredEjections(EjectionReason.ConnectFailure));
    }
}
