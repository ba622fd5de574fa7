using Relay.Core.Upstreams;

namespace Relay.Tests.Upstreams;

[Trait("Tier", "Unit")]
public sealed class PeakEwmaTests
{
    private const double Tolerance = 1e-6;

    [Fact]
    public void NoSamples_StartsAtLinkerdsDefaultRtt()
    {
        Assert.Equal(30, new PeakEwma(0).EstimateMs(0), Tolerance);
    }

    [Fact]
    public void SampleAboveEstimate_ReplacesItAtOnce()
    {
        var ewma = new PeakEwma(0);
        Assert.Equal(100, ewma.Observe(TimeSpan.FromMilliseconds(100), 5), Tolerance);
    }

    [Fact]
    public void IdleEstimate_DecaysByExpOfElapsedOverTenSeconds()
    {
        var ewma = new PeakEwma(0);
        ewma.Observe(TimeSpan.FromMilliseconds(100), 0);

        Assert.Equal(100 * Math.Exp(-1), ewma.EstimateMs(10_000), Tolerance);
        // Decay composes: reading in between changes nothing.
        Assert.Equal(100 * Math.Exp(-2), ewma.EstimateMs(20_000), Tolerance);
    }

    [Fact]
    public void LowerSample_MovesTheEstimateByOneMinusTheDecayWeight()
    {
        var ewma = new PeakEwma(0);
        ewma.Observe(TimeSpan.FromMilliseconds(100), 0);

        var estimate = ewma.Observe(TimeSpan.FromMilliseconds(10), 10_000);

        var weight = Math.Exp(-1);
        Assert.Equal((100 * weight) + (10 * (1 - weight)), estimate, Tolerance);
    }

    [Fact]
    public void SamplesInTheSameMillisecond_DoNotMoveALowerEstimate()
    {
        var ewma = new PeakEwma(0);
        ewma.Observe(TimeSpan.FromMilliseconds(50), 0);
        Assert.Equal(50, ewma.Observe(TimeSpan.FromMilliseconds(1), 0), Tolerance);
    }

    [Fact]
    public void TimeGoingBackwards_IsTreatedAsNoTime()
    {
        var ewma = new PeakEwma(1000);
        ewma.Observe(TimeSpan.FromMilliseconds(40), 1000);
        Assert.Equal(40, ewma.EstimateMs(500), Tolerance);
    }
}
