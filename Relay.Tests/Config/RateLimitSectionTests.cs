using Relay.Core.Config;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class RateLimitSectionTests
{
    private static string Port(string keys) => MeshHeader + "inbound:\n  - port: 8080\n" + keys;

    [Fact]
    public void Load_BothLimits_Compiled_BurstDefaultingToTheRate()
    {
        var port = Valid(Port("    protocol: http\n    rate_limit: { requests_per_second: 100, burst: 20 }\n    connection_rate_limit: { connections_per_second: 5 }\n")).Inbound[0];
        Assert.Equal(new RateLimitSnapshot(100, 20), port.RateLimit);
        Assert.Equal(new RateLimitSnapshot(5, 5), port.ConnectionRateLimit);
        Assert.Null(Valid(Port("")).Inbound[0].RateLimit);
    }

    [Fact]
    public void Load_RequestLimitOnATcpPort_Reported()
    {
        var error = SingleError(Port("    rate_limit: { requests_per_second: 100 }\n"));
        Assert.Contains("use connection_rate_limit", error.Message);
    }

    [Fact]
    public void Load_MissingOrZeroRate_Reported()
    {
        var errors = Load(Port("    protocol: http\n    rate_limit: { burst: 3 }\n    connection_rate_limit: { connections_per_second: 0 }\n")).Errors;
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Message.Contains("required key is missing", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("must be between 1", StringComparison.Ordinal));
    }
}
