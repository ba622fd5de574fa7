namespace Relay.Core.Config;

/// <summary>mesh.yaml <c>services.NAME.outlier_detection</c>: every key optional, defaults in <see cref="OutlierDetectionSnapshot.Default"/>.</summary>
internal sealed record OutlierDetectionConfig(
    ConfigLocation Location,
    Located<int>? Consecutive5xx,
    Located<int>? ConsecutiveGatewayErrors,
    Located<int>? ConsecutiveConnectFailures,
    Located<TimeSpan>? BaseEjectionTime,
    Located<TimeSpan>? MaxEjectionTime,
    Located<int>? MaxEjectionPercent,
    Located<int>? PanicThreshold)
{
    public OutlierDetectionSnapshot Compile()
    {
        var d = OutlierDetectionSnapshot.Default;
        return new(
            Consecutive5xx?.Value ?? d.Consecutive5xx,
            ConsecutiveGatewayErrors?.Value ?? d.ConsecutiveGatewayErrors,
            ConsecutiveConnectFailures?.Value ?? d.ConsecutiveConnectFailures,
            BaseEjectionTime?.Value ?? d.BaseEjectionTime,
            MaxEjectionTime?.Value ?? d.MaxEjectionTime,
            MaxEjectionPercent?.Value ?? d.MaxEjectionPercent,
            PanicThreshold?.Value ?? d.PanicThreshold);
    }
}
