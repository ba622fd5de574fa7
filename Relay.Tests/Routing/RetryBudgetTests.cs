using Relay.Core.Config;
using Relay.Core.Http;
using Relay.Tests.Observability;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Routing;

/// <summary>Budget accounting: ratio of deposits, the per-second reserve, expiry after the TTL.</summary>
[Trait("Tier", "Unit")]
public sealed class RetryBudgetTests
{
    private readonly ManualTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    private static int Drain(RetryBudget budget)
    {
        var granted = 0;
        while (budget.TryWithdraw() && granted < 100_000)
        {
            granted++;
        }
        return granted;
    }

    [Fact]
    public void NoReserve_RetriesAreTheRatioOfRequests()
    {
        var budget = new RetryBudget(new RetryBudgetSpec(0.2, 0, TimeSpan.FromSeconds(10)), _time);
        for (var i = 0; i < 100; i++)
        {
            budget.Deposit();
        }

        Assert.Equal(20, Drain(budget));
    }

    [Fact]
    public void Reserve_IsMinPerSecondTimesTtl_WithoutAnyRequest()
    {
        var budget = new RetryBudget(new RetryBudgetSpec(0.2, 10, TimeSpan.FromSeconds(10)), _time);

        Assert.Equal(100, Drain(budget));
    }

    [Fact]
    public void Deposits_ExpireAfterTheTtl()
    {
        var budget = new RetryBudget(new RetryBudgetSpec(0.5, 0, TimeSpan.FromSeconds(1)), _time);
        budget.Deposit();
        budget.Deposit();
        _time.Advance(TimeSpan.FromMilliseconds(901));
        Assert.True(budget.TryWithdraw());

        budget.Deposit();
        budget.Deposit();
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(budget.TryWithdraw());
    }

    [Fact]
    public void Overdraft_OfTheReserve_RefillsOverOneTtl()
    {
        var budget = new RetryBudget(new RetryBudgetSpec(0.2, 1, TimeSpan.FromSeconds(10)), _time);
        Assert.Equal(10, Drain(budget));

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, Drain(budget));
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(10, Drain(budget));
    }

    [Fact]
    public void RatioZero_OnlyTheReserve()
    {
        var budget = new RetryBudget(new RetryBudgetSpec(0, 2, TimeSpan.FromSeconds(1)), _time);
        for (var i = 0; i < 1000; i++)
        {
            budget.Deposit();
        }

        Assert.Equal(2, Drain(budget));
    }

    [Fact]
    public void LongIdle_ClearsEverySlot()
    {
        var budget = new RetryBudget(new RetryBudgetSpec(1, 0, TimeSpan.FromSeconds(10)), _time);
        budget.Deposit();
        _time.Advance(TimeSpan.FromHours(5));

        Assert.Equal(0, Drain(budget));
    }

    [Fact]
    public void Retain_DropsTheBudgetsOfRemovedRoutes_KeepsTheOthers()
    {
        static ConfigSnapshot Config(string routes) => Valid(MeshHeader + RouteConfigTests.Services.Replace("    endpoints:\n", "    routes:\n" + routes + "    endpoints:\n", StringComparison.Ordinal));
        var two = Config("      - { name: a, matches: [{method: GET}], backends: [{}], retries: { on: [5xx] } }\n      - { name: b, backends: [{}], retries: { on: [5xx] } }\n");
        var budgets = new RetryBudgets();
        var a = budgets.For("orders", two.Services.First().Routes[0], two.Services.First().Routes[0].Retries!);
        budgets.For("orders", two.Services.First().Routes[1], two.Services.First().Routes[1].Retries!);

        budgets.Retain(two);
        Assert.Equal(2, budgets.Count);
        var onlyA = Config("      - { name: a, matches: [{method: GET}], backends: [{}], retries: { on: [5xx] } }\n");
        budgets.Retain(onlyA);

        Assert.Equal(1, budgets.Count);
        Assert.Same(a, budgets.For("orders", onlyA.Services.First().Routes[0], onlyA.Services.First().Routes[0].Retries!));
        budgets.Retain(Config("      - { name: a, backends: [{}] }\n"));
        Assert.Equal(0, budgets.Count);
    }
}
