namespace Relay.Core.Config;

/// <summary>
/// mesh.yaml <c>services.NAME.outlier_detection</c>, compiled: when passive health ejects an
/// endpoint, for how long, and how much of a service may be ejected (docs/config.md, Outlier detection).
/// </summary>
public sealed record OutlierDetectionSnapshot(
    int Consecutive5xx,
    int ConsecutiveGatewayErrors,
    int ConsecutiveConnectFailures,
    TimeSpan BaseEjectionTime,
    TimeSpan MaxEjectionTime,
    int MaxEjectionPercent,
    int PanicThreshold)
{
    /// <summary>
    /// Envoy's outlier_detection defaults for consecutive_5xx and consecutive_gateway_failure (5
    /// each), max_ejection_percent (10) and healthy_panic_threshold (50). A refused or timed-out
    /// connect ejects at once (Relay's behaviour before outlier detection, kept: the connection
    /// fails over within the same attempt, so only new connections gain). Ejection starts at 1 s
    /// and doubles per consecutive ejection up to 30 s (Envoy: 30 s × ejections up to 300 s); a
    /// shorter first ejection re-admits an endpoint that recovered quickly, and the doubling still
    /// keeps a flapping one out.
    /// </summary>
    public static readonly OutlierDetectionSnapshot Default = new(5, 5, 1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 10, 50);
}
