using Relay.Core.Config;
using Relay.Core.Routing;
using Relay.Core.Routing.Guard;
using Relay.Tests.Observability;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Routing;

/// <summary>The canary guard's config, window accounting and cut rules (the loopback run is CanaryGuardLoopbackTests).</summary>
[Trait("Tier", "Unit")]
public sealed class CanaryGuardTests
{
    private const string Split = "      - name: split\n        backends: [{subset: {version: v1}, weight: 50}, {subset: {version: v2}, weight: 50}]\n";

    private readonly ManualTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    private static RouteSnapshot Guarded(string guard = "{}") => RouteConfigTests.Orders(Split + $"        guard: {guard}\n").Routes.Single();

    private static ConfigError Error(string routes) =>
        SingleError(MeshHeader + RouteConfigTests.Services.Replace("    endpoints:\n", "    routes:\n" + routes + "    endpoints:\n", StringComparison.Ordinal));

    [Fact]
    public void Compile_EmptyGuard_TakesFlaggersDefaults()
    {
        var guard = Guarded().Guard!;

        Assert.Equal((0.99, 100, TimeSpan.FromMinutes(1)), (guard.MinSuccessRate, guard.MinRequests, guard.Window));
    }

    [Fact]
    public void Compile_GivenValues_AreKept()
    {
        var guard = Guarded("{min_success_rate: 0.95, min_requests: 20, window: 30s}").Guard!;

        Assert.Equal((0.95, 20, TimeSpan.FromSeconds(30)), (guard.MinSuccessRate, guard.MinRequests, guard.Window));
    }

    [Fact]
    public void Load_GuardOnOneBackend_Reported() =>
        AssertError(Error("      - backends: [{subset: {version: v1}}]\n        guard: {min_requests: 10}\n"), 10, 16, "services.orders.routes[0].guard", "at least two backends");

    [Fact]
    public void Load_RateAboveOne_Reported() =>
        AssertError(Error(Split + "        guard: {min_success_rate: 99}\n"), 11, 35, "services.orders.routes[0].guard.min_success_rate", "at most 1");

    [Fact]
    public void Load_WindowTooShort_Reported() =>
        AssertError(Error(Split + "        guard: {window: 100ms}\n"), 11, 25, "services.orders.routes[0].guard.window", "between 1s and 1h");

    [Fact]
    public void Load_ZeroMinRequests_Reported() =>
        AssertError(Error(Split + "        guard: {min_requests: 0}\n"), 11, 31, "services.orders.routes[0].guard.min_requests", "between 1 and");

    [Fact]
    public void Record_BelowMinRequests_NeverCuts()
    {
        var route = Guarded("{min_requests: 10}");
        var guards = new CanaryGuards("r1", _time);

        for (var i = 0; i < 9; i++)
        {
            guards.Record("orders", route, 1, success: false);
        }

        Assert.True(guards.WeightsOf("orders", route).IsDefault);
        Assert.Empty(guards.Overrides);
    }

    [Fact]
    public void Record_FailingBackend_IsCutAtMinRequests_AndReported()
    {
        var route = Guarded("{min_requests: 10, min_success_rate: 0.9}");
        var guards = new CanaryGuards("r1", _time);
        var reported = new List<GuardOverride>();
        guards.Tripped = reported.Add;

        for (var i = 0; i < 10; i++)
        {
            guards.Record("orders", route, 0, success: true);
            guards.Record("orders", route, 1, success: i % 2 == 0);
        }

        Assert.Equal([50, 0], guards.WeightsOf("orders", route).ToArray());
        var cut = Assert.Single(reported);
        Assert.Equal(("orders", "split", "orders{version=v2}", 50, 0, 10L), (cut.Service, cut.Route, cut.Backend, cut.FileWeight, cut.Weight, cut.Requests));
        Assert.Equal(0.5, cut.SuccessRate);
        Assert.Same(cut, Assert.Single(guards.Overrides));
    }

    [Fact]
    public void Record_LastCarryingBackend_IsNeverCut()
    {
        var route = Guarded("{min_requests: 5}");
        var guards = new CanaryGuards("r1", _time);

        for (var i = 0; i < 10; i++)
        {
            guards.Record("orders", route, 0, success: false);
            guards.Record("orders", route, 1, success: false);
        }

        // v1 went first and was cut; v2 then carries all the weight and stays, failing or not.
        Assert.Equal([0, 50], guards.WeightsOf("orders", route).ToArray());
        Assert.Single(guards.Overrides);
    }

    [Fact]
    public void Record_FailuresOlderThanTheWindow_Expire()
    {
        var route = Guarded("{min_requests: 10, window: 10s}");
        var guards = new CanaryGuards("r1", _time);
        for (var i = 0; i < 5; i++)
        {
            guards.Record("orders", route, 1, success: false);
        }

        _time.Advance(TimeSpan.FromSeconds(11));
        for (var i = 0; i < 10; i++)
        {
            guards.Record("orders", route, 1, success: true);
        }

        // Five failures in a window of 15 answers would be a trip; they left the window first.
        Assert.True(guards.WeightsOf("orders", route).IsDefault);
    }

    [Fact]
    public void For_SameRevision_KeepsTheCuts_AChangedOneClearsThem()
    {
        var route = Guarded("{min_requests: 1}");
        var guards = new CanaryGuards("r1", _time) { Tripped = _ => { } };
        guards.Record("orders", route, 1, success: false);

        Assert.Same(guards, guards.For("r1"));
        var changed = guards.For("r2");
        Assert.NotSame(guards, changed);
        Assert.Empty(changed.Overrides);
        Assert.True(changed.WeightsOf("orders", route).IsDefault);
        Assert.NotNull(changed.Tripped);
    }

    [Fact]
    public void PickIndex_CutBackend_IsNeverPicked_HashedOrNot()
    {
        var route = Guarded();
        var weights = System.Collections.Immutable.ImmutableArray.Create(50, 0);

        for (var i = 0; i < 2_000; i++)
        {
            Assert.Equal(0, BackendPicker.PickIndex(route, null, weights));
            Assert.Equal(0, BackendPicker.PickIndex(route, (ulong)Random.Shared.NextInt64(), weights));
        }
    }
}
