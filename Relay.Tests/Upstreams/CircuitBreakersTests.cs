using Relay.Core.Config;
using Relay.Core.Upstreams;

namespace Relay.Tests.Upstreams;

/// <summary>The breaker state machine: slots taken up to each limit, refused past it, given back on release.</summary>
[Trait("Tier", "Unit")]
public sealed class CircuitBreakersTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void Connections_UpToTheLimit_ThenRefused_UntilOneCloses()
    {
        var breakers = new CircuitBreakers(new CircuitBreakersSnapshot(2, 0, 1, 0));
        Assert.True(breakers.TryOpenConnection());
        Assert.True(breakers.TryOpenConnection());
        Assert.False(breakers.TryOpenConnection());
        Assert.Equal(2, breakers.Connections);
        breakers.CloseConnection();
        Assert.True(breakers.TryOpenConnection());
    }

    [Fact]
    public void Retries_ZeroAllowed_RefusesEveryRetry()
    {
        var none = new CircuitBreakers(new CircuitBreakersSnapshot(1, 0, 1, 0));
        Assert.False(none.TryRetry());
        var three = new CircuitBreakers(CircuitBreakersSnapshot.Default);
        Assert.True(three.TryRetry() && three.TryRetry() && three.TryRetry());
        Assert.False(three.TryRetry());
        three.EndRetry();
        Assert.True(three.TryRetry());
    }

    [Fact]
    public async Task Requests_NoQueue_OverflowIsImmediate()
    {
        var breakers = new CircuitBreakers(new CircuitBreakersSnapshot(1, 0, 1, 0));
        using var first = await breakers.EnterRequestAsync(Long, CancellationToken.None);
        var second = breakers.EnterRequestAsync(Long, CancellationToken.None);
        Assert.True(second.IsCompleted);
        Assert.True(first.IsAcquired);
        Assert.False((await second).IsAcquired);
    }

    [Fact]
    public async Task Requests_QueueUpToPending_OverflowPastIt_QueuedOneRunsWhenASlotFrees()
    {
        var breakers = new CircuitBreakers(new CircuitBreakersSnapshot(1, 1, 1, 0));
        var first = await breakers.EnterRequestAsync(Long, CancellationToken.None);
        var queued = breakers.EnterRequestAsync(Long, CancellationToken.None).AsTask();
        var overflow = await breakers.EnterRequestAsync(Long, CancellationToken.None);

        Assert.False(overflow.IsAcquired);
        Assert.False(queued.IsCompleted);
        first.Dispose();
        using var admitted = await queued.WaitAsync(Long);
        Assert.True(admitted.IsAcquired);
    }

    [Fact]
    public async Task Requests_QueuedPastTheWait_Overflow()
    {
        var breakers = new CircuitBreakers(new CircuitBreakersSnapshot(1, 1, 1, 0));
        using var first = await breakers.EnterRequestAsync(Long, CancellationToken.None);
        using var late = await breakers.EnterRequestAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        Assert.False(late.IsAcquired);
        Assert.Equal((0, 0), breakers.RequestSlots);
    }
}
