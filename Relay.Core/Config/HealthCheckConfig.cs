namespace Relay.Core.Config;

/// <summary>mesh.yaml <c>services.NAME.health_check</c>: every key optional, defaults in <see cref="HealthCheckSnapshot.Default"/>.</summary>
internal sealed record HealthCheckConfig(
    ConfigLocation Location,
    Located<string>? Path,
    Located<StatusRange>? ExpectedStatuses,
    Located<TimeSpan>? Interval,
    Located<TimeSpan>? Timeout,
    Located<int>? HealthyThreshold,
    Located<int>? UnhealthyThreshold,
    Located<int>? JitterPercent)
{
    public HealthCheckSnapshot Compile()
    {
        var d = HealthCheckSnapshot.Default;
        return new(
            Path?.Value,
            ExpectedStatuses?.Value ?? d.Statuses,
            Interval?.Value ?? d.Interval,
            Timeout?.Value ?? d.Timeout,
            HealthyThreshold?.Value ?? d.HealthyThreshold,
            UnhealthyThreshold?.Value ?? d.UnhealthyThreshold,
            JitterPercent?.Value ?? d.JitterPercent);
    }
}
