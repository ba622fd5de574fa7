using System.Net;
using Relay.Core.Config;
using Relay.Core.Routing;

namespace Relay.Tests.Routing;

/// <summary>Weight arithmetic of the backend choice, drawn and hashed.</summary>
[Trait("Tier", "Unit")]
public sealed class BackendPickerTests
{
    private static RouteSnapshot Split(int v1, int v2) =>
        RouteConfigTests.Orders($"      - backends: [{{subset: {{version: v1}}, weight: {v1}}}, {{subset: {{version: v2}}, weight: {v2}}}]\n").Routes.Single();

    [Fact]
    public void At_CumulativeRanges_ZeroWeightNeverChosen()
    {
        var route = RouteConfigTests.Orders("      - backends: [{subset: {version: v1}, weight: 3}, {service: billing, weight: 0}, {subset: {version: v2}, weight: 1}]\n").Routes.Single();

        Assert.Equal(4, route.TotalWeight);
        Assert.Equal(["orders", "orders", "orders", "orders"], Enumerable.Range(0, 4).Select(p => BackendPicker.At(route, p).Service));
        Assert.Equal([0, 0, 0, 1], Enumerable.Range(0, 4).Select(p => BackendPicker.At(route, p).Endpoints.Length - 1));
        Assert.Throws<InvalidOperationException>(() => BackendPicker.At(route, 4));
    }

    [Fact]
    public void Pick_Drawn_ConvergesOnTheWeights()
    {
        var route = Split(90, 10);
        var v2 = Enumerable.Range(0, 100_000).Count(_ => BackendPicker.Pick(route, null).Subset["version"] == "v2");

        // Binomial(100000, 0.1): sd 95; ±600 is over 6 sd.
        Assert.InRange(v2, 9_400, 10_600);
    }

    [Fact]
    public void Pick_Hashed_SameKeySameBackend_AndKeysSpreadByWeight()
    {
        var route = Split(50, 50);
        var keys = Enumerable.Range(0, 10_000).Select(i => BackendPicker.Hash(System.Text.Encoding.UTF8.GetBytes($"user-{i}"))).ToArray();

        Assert.All(keys.Take(100), k => Assert.Same(BackendPicker.Pick(route, k), BackendPicker.Pick(route, k)));
        var v2 = keys.Count(k => BackendPicker.Pick(route, k).Subset["version"] == "v2");
        Assert.InRange(v2, 4_700, 5_300);
    }

    [Fact]
    public void Pick_Hashed_CanaryGrowing_KeysOnTheCanaryStayThere()
    {
        var keys = Enumerable.Range(0, 5_000).Select(i => BackendPicker.Hash(System.Text.Encoding.UTF8.GetBytes($"user-{i}"))).ToArray();
        var onCanary10 = keys.Where(k => BackendPicker.Pick(Split(90, 10), k).Subset["version"] == "v2").ToArray();
        var onCanary50 = keys.Where(k => BackendPicker.Pick(Split(50, 50), k).Subset["version"] == "v2").ToHashSet();

        Assert.NotEmpty(onCanary10);
        Assert.All(onCanary10, k => Assert.Contains(k, onCanary50));
    }

    [Fact]
    public void KeyOf_HeaderOrClientAddress_NullWhenAbsentOrUnhashed()
    {
        var address = IPAddress.Parse("198.18.0.7");

        Assert.Null(BackendPicker.KeyOf(null, _ => "x", address));
        Assert.Null(BackendPicker.KeyOf(new RouteHash("x-user"), _ => null, address));
        Assert.Equal(BackendPicker.KeyOf(new RouteHash("x-user"), _ => "alice", null), BackendPicker.KeyOf(new RouteHash("x-user"), _ => "alice", address));
        Assert.NotEqual(BackendPicker.KeyOf(new RouteHash("x-user"), _ => "alice", null), BackendPicker.KeyOf(new RouteHash("x-user"), _ => "bob", null));
        Assert.Equal(BackendPicker.Hash(address.GetAddressBytes()), BackendPicker.KeyOf(new RouteHash(null), _ => "x", address));
    }
}
