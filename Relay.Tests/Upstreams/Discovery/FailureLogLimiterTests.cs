using Relay.Core.Upstreams.Discovery;

namespace Relay.Tests.Upstreams.Discovery;

[Trait("Tier", "Unit")]
public sealed class FailureLogLimiterTests
{
    [Fact]
    public void TryWarn_OncePerInterval_ReportsWhatWasHeldBack()
    {
        var time = new ManualClock();
        var limiter = new FailureLogLimiter(time);

        Assert.True(limiter.TryWarn(out var first));
        var heldBack = Enumerable.Range(0, 11).Count(_ => { time.Advance(TimeSpan.FromSeconds(5)); return !limiter.TryWarn(out _); });
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(limiter.TryWarn(out var suppressed));

        Assert.Equal((0, 11, 11), (first, heldBack, suppressed));
    }

    [Fact]
    public void Reset_NextFailureWarnsAtOnce()
    {
        var time = new ManualClock();
        var limiter = new FailureLogLimiter(time);
        limiter.TryWarn(out _);

        limiter.Reset();

        Assert.True(limiter.TryWarn(out _));
    }
}

/// <summary>A clock the test moves by hand (GetUtcNow only: the limiter reads nothing else).</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
