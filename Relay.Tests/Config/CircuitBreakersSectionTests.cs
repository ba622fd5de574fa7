using Relay.Core.Config;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class CircuitBreakersSectionTests
{
    private static string Service(string breakers) =>
        MeshHeader + "services:\n  orders:\n    port: 80\n    endpoints: [198.18.0.2:80]\n    mesh_tls: false\n" + breakers;

    [Fact]
    public void Load_Absent_EnvoysThresholds()
    {
        Assert.Equal(new CircuitBreakersSnapshot(1024, 1024, 1024, 3), Valid(Service("")).Services[0].CircuitBreakers);
    }

    [Fact]
    public void Load_EveryKey_Compiled()
    {
        var compiled = Valid(Service("    circuit_breakers: { max_connections: 10, max_pending_requests: 0, max_requests: 20, max_retries: 1 }\n")).Services[0].CircuitBreakers;
        Assert.Equal(new CircuitBreakersSnapshot(10, 0, 20, 1), compiled);
    }

    [Fact]
    public void Load_ZeroConnectionsOrRequests_Reported()
    {
        var errors = Load(Service("    circuit_breakers: { max_connections: 0, max_requests: 0, max_retries: -1 }\n")).Errors;
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.ToString().Contains("services.orders.circuit_breakers.max_connections", StringComparison.Ordinal));
    }
}
