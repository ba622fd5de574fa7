using Relay.Core.Config;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class OutlierDetectionSectionTests
{
    private static string Service(string outlier) =>
        MeshHeader + "services:\n  orders:\n    port: 80\n    endpoints: [198.18.0.2:80]\n    mesh_tls: false\n" + outlier;

    [Fact]
    public void Load_Absent_EnvoysDefaults()
    {
        var o = Valid(Service("")).Services[0].OutlierDetection;
        Assert.Equal((5, 5, 1, 10, 50), (o.Consecutive5xx, o.ConsecutiveGatewayErrors, o.ConsecutiveConnectFailures, o.MaxEjectionPercent, o.PanicThreshold));
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)), (o.BaseEjectionTime, o.MaxEjectionTime));
    }

    [Fact]
    public void Load_EveryKey_Compiled()
    {
        var o = Valid(Service("    outlier_detection: { consecutive_5xx: 3, consecutive_gateway_errors: 2, consecutive_connect_failures: 4, "
            + "base_ejection_time: 5s, max_ejection_time: 5m, max_ejection_percent: 50, panic_threshold: 0 }\n")).Services[0].OutlierDetection;
        Assert.Equal(new OutlierDetectionSnapshot(3, 2, 4, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), 50, 0), o);
    }

    [Fact]
    public void Load_OutOfRangeValues_AllReported()
    {
        var errors = Load(Service("    outlier_detection: { consecutive_5xx: 0, max_ejection_percent: 101, panic_threshold: -1 }\n")).Errors;

        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Contains("must be between", e.Message));
    }

    [Fact]
    public void Load_BaseLongerThanMax_Reported()
    {
        var error = SingleError(Service("    outlier_detection: { base_ejection_time: 1m, max_ejection_time: 10s }\n"));

        Assert.Contains("services.orders.outlier_detection.max_ejection_time", error.ToString());
        Assert.Contains("must not be shorter than base_ejection_time", error.Message);
    }

    [Fact]
    public void Load_UnknownKey_Suggested()
    {
        var error = SingleError(Service("    outlier_detection: { consecutive_500: 3 }\n"));

        Assert.Contains("did you mean 'consecutive_5xx'?", error.Message);
    }
}
