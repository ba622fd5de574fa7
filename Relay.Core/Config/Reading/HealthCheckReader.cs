using Relay.Core.Config.Yaml;

namespace Relay.Core.Config.Reading;

internal static class HealthCheckReader
{
    public static readonly string[] Keys =
        ["path", "expected_statuses", "interval", "timeout", "healthy_threshold", "unhealthy_threshold", "jitter_percent"];

    public static HealthCheckConfig? Read(MappingReader? h) => h is null
        ? null
        : new HealthCheckConfig(
            h.Location,
            h.String("path"),
            h.Scalar("expected_statuses", ScalarParsers.Text<StatusRange>(StatusRange.TryParse)),
            h.Scalar("interval", LimitsSectionReader.Duration),
            h.Scalar("timeout", LimitsSectionReader.Duration),
            h.Int("healthy_threshold"),
            h.Int("unhealthy_threshold"),
            h.Int("jitter_percent"));
}
