using Relay.Core.Config;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class HealthCheckSectionTests
{
    private static string Service(string check) =>
        MeshHeader + "services:\n  orders:\n    port: 80\n    endpoints: [198.18.0.2:80]\n    mesh_tls: false\n" + check;

    [Fact]
    public void Load_Absent_NoHealthCheck()
    {
        Assert.Null(Valid(Service("")).Services[0].HealthCheck);
    }

    [Fact]
    public void Load_EmptyMapping_IsATcpCheckWithHaproxysDefaults()
    {
        var check = Valid(Service("    health_check: {}\n")).Services[0].HealthCheck;
        Assert.Equal(new HealthCheckSnapshot(null, new StatusRange(200, 399), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 2, 3, 10), check);
        Assert.False(check!.IsHttp);
    }

    [Fact]
    public void Load_EveryKey_Compiled()
    {
        var check = Valid(Service("    health_check: { path: /healthz, expected_statuses: 200-204, interval: 500ms, timeout: 200ms, healthy_threshold: 1, unhealthy_threshold: 2, jitter_percent: 0 }\n")).Services[0].HealthCheck;
        Assert.Equal(new HealthCheckSnapshot("/healthz", new StatusRange(200, 204), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(200), 1, 2, 0), check);
        Assert.Equal(new StatusRange(204, 204), Valid(Service("    health_check: { path: /, expected_statuses: 204 }\n")).Services[0].HealthCheck!.Statuses);
    }

    [Theory]
    [InlineData("path: healthz", "health_check.path")]
    [InlineData("path: \"/a b\"", "health_check.path")]
    [InlineData("expected_statuses: 399-200", "health_check.expected_statuses")]
    [InlineData("expected_statuses: 99", "health_check.expected_statuses")]
    [InlineData("expected_statuses: 2xx", "health_check.expected_statuses")]
    [InlineData("healthy_threshold: 0", "health_check.healthy_threshold")]
    [InlineData("unhealthy_threshold: 1001", "health_check.unhealthy_threshold")]
    [InlineData("jitter_percent: 101", "health_check.jitter_percent")]
    [InlineData("interval: 1s", "health_check.interval")]
    [InlineData("interval: 5s, timeout: 5s", "health_check.timeout")]
    [InlineData("intervall: 5s", "health_check.intervall")]
    public void Load_BadValue_ReportedAtTheKey(string entry, string key)
    {
        var errors = Load(Service($"    health_check: {{ {entry} }}\n")).Errors;
        var error = Assert.Single(errors);
        Assert.Contains($"services.orders.{key}", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MeshZone_CompiledAndChecked()
    {
        Assert.Equal("eu-west-1a", Valid(MeshHeader + "  zone: eu-west-1a\n").Mesh.Zone);
        Assert.Null(Valid(MeshHeader).Mesh.Zone);
        var bad = Load(MeshHeader + "  zone: \"-a\"\n").Errors;
        Assert.Contains("mesh.zone", Assert.Single(bad).ToString(), StringComparison.Ordinal);
    }
}

[Trait("Tier", "Unit")]
public sealed class RouteRateLimitSectionTests
{
    private static string Service(string protocol, string limit) =>
        MeshHeader + $"services:\n  orders:\n    port: 80\n    endpoints: [198.18.0.2:80]\n    mesh_tls: false\n    protocol: {protocol}\n"
        + $"    routes:\n      - {{ name: r, backends: [{{}}], rate_limit: {limit} }}\n";

    [Fact]
    public void Load_RouteRateLimit_CompiledWithABurstOfOneSecond()
    {
        Assert.Equal(new RateLimitSnapshot(30, 30), Valid(Service("http", "{ requests_per_second: 30 }")).Services[0].Routes[0].RateLimit);
        Assert.Equal(new RateLimitSnapshot(30, 5), Valid(Service("http", "{ requests_per_second: 30, burst: 5 }")).Services[0].Routes[0].RateLimit);
    }

    [Theory]
    [InlineData("tcp", "{ requests_per_second: 30 }", "routes[0].rate_limit")]
    [InlineData("http", "{ requests_per_second: 0 }", "routes[0].rate_limit.requests_per_second")]
    [InlineData("http", "{ burst: 3 }", "routes[0].rate_limit")]
    public void Load_BadRouteRateLimit_Reported(string protocol, string limit, string key)
    {
        var error = Assert.Single(Load(Service(protocol, limit)).Errors);
        Assert.Contains($"services.orders.{key}", error.ToString(), StringComparison.Ordinal);
    }
}
