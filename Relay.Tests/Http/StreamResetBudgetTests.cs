using Relay.Core.Http;

namespace Relay.Tests.Http;

[Trait("Tier", "Unit")]
public sealed class StreamResetBudgetTests
{
    [Fact]
    public void RapidResets_SpendTheBudget_AtTheBound_Once()
    {
        var closed = 0;
        var budget = new StreamResetBudget(() => closed++);

        for (var i = 0; i < StreamResetBudget.MaxPrematureResets - 1; i++)
        {
            budget.Count(premature: true);
        }
        Assert.Equal(0, closed);
        budget.Count(premature: true);
        budget.Count(premature: true);

        Assert.Equal(1, closed);
    }

    [Fact]
    public void Resets_AmongMostlyCompletedStreams_NeverSpendIt()
    {
        var closed = 0;
        var budget = new StreamResetBudget(() => closed++);

        // A busy, well-behaved connection: one early cancel in three streams, 3,000 streams.
        for (var i = 0; i < 3000; i++)
        {
            budget.Count(premature: i % 3 == 0);
        }

        Assert.Equal(0, closed);
    }
}
