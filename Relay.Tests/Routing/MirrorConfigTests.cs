using Relay.Core.Config;
using Relay.Core.Http;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Routing;

/// <summary>A route's mirror: what compiles, its errors, and Envoy's shadow host.</summary>
[Trait("Tier", "Unit")]
public sealed class MirrorConfigTests
{
    private static ConfigError Error(string routes) =>
        SingleError(MeshHeader + RouteConfigTests.Services.Replace("    endpoints:\n", "    routes:\n" + routes + "    endpoints:\n", StringComparison.Ordinal));

    [Fact]
    public void Compile_BackendAndPercent_DefaultPercentIs100()
    {
        var routes = RouteConfigTests.Orders("      - { backends: [{subset: {version: v1}}], mirror: { backend: { service: billing } } }\n"
            + "      - { backends: [{subset: {version: v1}}], mirror: { backend: { subset: { version: v2 } }, percent: 12.5 } }\n").Routes;

        Assert.Equal(("billing", 100.0), (routes[0].Mirror!.Backend.Service, routes[0].Mirror!.Percent));
        Assert.Equal(("orders", 12.5), (routes[1].Mirror!.Backend.Service, routes[1].Mirror!.Percent));
        Assert.Equal([1, 2], routes[1].Mirror!.Backend.Endpoints.ToArray());
    }

    [Fact]
    public void Load_MirrorWithoutBackend_Reported() =>
        AssertError(Error("      - { backends: [{}], mirror: { percent: 5 } }\n"), 9, 35, "services.orders.routes[0].mirror.backend", "needs a backend");

    [Fact]
    public void Load_MirrorToAnUnknownService_Reported() =>
        AssertError(Error("      - { backends: [{}], mirror: { backend: { service: nope } } }\n"), 9, 57, "services.orders.routes[0].mirror.backend.service", "'nope' is not defined");

    [Fact]
    public void Load_PercentOver100_Reported() =>
        AssertError(Error("      - { backends: [{}], mirror: { backend: { service: billing }, percent: 150 } }\n"), 9, 77, "services.orders.routes[0].mirror.percent", "between 0 and 100");

    [Theory]
    [InlineData("orders", "orders-shadow")]
    [InlineData("orders:8080", "orders-shadow:8080")]
    [InlineData("127.0.0.1:80", "127.0.0.1-shadow:80")]
    [InlineData("[::1]:80", "[::1]-shadow:80")]
    [InlineData("[::1]", "[::1]-shadow")]
    public void ShadowHost_IsSuffixedBeforeThePort_AsEnvoy(string host, string shadow) => Assert.Equal(shadow, RequestMirror.ShadowHost(host));
}
