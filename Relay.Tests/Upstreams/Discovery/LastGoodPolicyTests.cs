using Relay.Core.Config;
using Relay.Core.Upstreams.Discovery;
using static Relay.Tests.Upstreams.Discovery.TtlClampTests;

namespace Relay.Tests.Upstreams.Discovery;

[Trait("Tier", "Unit")]
public sealed class LastGoodPolicyTests
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);
    private static readonly DiscoveryStatus Fresh = new("orders", new DnsSourceSnapshot(DnsRecordKind.Address, "orders.internal.", 8080));

    private static readonly DnsAnswer Two = DnsAnswer.Resolved([Endpoint("198.18.0.2"), Endpoint("198.18.0.3")], TimeSpan.FromSeconds(10));

    [Fact]
    public void FirstResolvedAnswer_Changed()
    {
        var (next, change, delay) = LastGoodPolicy.Apply(Fresh, Two, T0, Min, Max);

        Assert.Equal(DiscoveryChange.Changed, change);
        Assert.Equal(Two.Endpoints.ToArray(), next.LastGood.ToArray());
        Assert.Equal((TimeSpan.FromSeconds(10), T0), (delay, next.LastRefresh!.Value));
    }

    [Fact]
    public void SameSetAgain_Unchanged_RefreshTimeMoves()
    {
        var (first, _, _) = LastGoodPolicy.Apply(Fresh, Two, T0, Min, Max);

        var (next, change, _) = LastGoodPolicy.Apply(first, Two, T0.AddSeconds(10), Min, Max);

        Assert.Equal(DiscoveryChange.Unchanged, change);
        Assert.Equal(T0.AddSeconds(10), next.LastRefresh);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FailedOrEmpty_KeepsTheLastGoodSet_AndCountsInARow(bool failed)
    {
        var outcome = failed ? DnsOutcome.Failed : DnsOutcome.Empty;
        var (good, _, _) = LastGoodPolicy.Apply(Fresh, Two, T0, Min, Max);
        var bad = outcome == DnsOutcome.Failed ? DnsAnswer.Failed("timed out") : DnsAnswer.Empty("NXDOMAIN");

        var (once, change, delay) = LastGoodPolicy.Apply(good, bad, T0.AddSeconds(10), Min, Max);
        var (twice, _, _) = LastGoodPolicy.Apply(once, bad, T0.AddSeconds(11), Min, Max);

        Assert.Equal(DiscoveryChange.KeptLastGood, change);
        Assert.Equal(Two.Endpoints.ToArray(), twice.LastGood.ToArray());
        Assert.Equal(T0, twice.LastRefresh);
        Assert.Equal((2, outcome, Min), (twice.ConsecutiveFailures, twice.LastOutcome!.Value, delay));
        Assert.Equal(bad.Error, twice.LastError);
    }

    [Fact]
    public void FailureBeforeAnyGoodSet_StaysWithout()
    {
        var (next, change, _) = LastGoodPolicy.Apply(Fresh, DnsAnswer.Failed("refused"), T0, Min, Max);

        Assert.Equal(DiscoveryChange.KeptLastGood, change);
        Assert.False(next.HasLastGood);
    }

    [Fact]
    public void ResolvedAfterFailures_NewSetReplaces_AndFailuresReset()
    {
        var (good, _, _) = LastGoodPolicy.Apply(Fresh, Two, T0, Min, Max);
        var (failed, _, _) = LastGoodPolicy.Apply(good, DnsAnswer.Failed("timed out"), T0.AddSeconds(10), Min, Max);
        var moved = DnsAnswer.Resolved([Endpoint("198.18.0.3"), Endpoint("198.18.0.4")], TimeSpan.Zero);

        var (next, change, delay) = LastGoodPolicy.Apply(failed, moved, T0.AddSeconds(11), Min, Max);

        Assert.Equal(DiscoveryChange.Changed, change);
        Assert.Equal(moved.Endpoints.ToArray(), next.LastGood.ToArray());
        Assert.Equal((0, (string?)null, Min), (next.ConsecutiveFailures, next.LastError, delay));
    }
}
