namespace Relay.Core.Config.Validation;

/// <summary>services.NAME.health_check: an absolute path, thresholds of at least 1, a timeout shorter than the interval.</summary>
internal static class HealthCheckValidator
{
    // As for outlier streaks: a threshold above 1000 checks would take hours to trip; it is a typo.
    private const int MaxThreshold = 1000;

    // Envoy's interval_jitter_percent has no cap; above 100 the wait could more than double, which
    // is a different interval, not jitter.
    private const int MaxJitterPercent = 100;

    // A path is one request-target line; Kestrel's default request line limit is 8 KiB, and a
    // health path is short: 1024 keeps a paste accident from becoming every check's request.
    private const int MaxPathLength = 1024;

    public static void Validate(HealthCheckConfig? h, ConfigErrorSink errors)
    {
        if (h is null)
        {
            return;
        }
        ValueRules.Range(h.HealthyThreshold, 1, MaxThreshold, errors);
        ValueRules.Range(h.UnhealthyThreshold, 1, MaxThreshold, errors);
        ValueRules.Range(h.JitterPercent, 0, MaxJitterPercent, errors);
        if (h.Path is { } path && !IsPath(path.Value))
        {
            errors.Add(path.Location, $"must be an absolute path of at most {MaxPathLength} printable ASCII characters starting with '/', e.g. /healthz");
        }
        var compiled = h.Compile();
        if (compiled.Timeout >= compiled.Interval)
        {
            // Envoy allows it, but then checks overlap or queue; one check at a time per endpoint is the point.
            errors.Add((h.Timeout ?? h.Interval)!.Location, $"timeout ({compiled.Timeout}) must be shorter than interval ({compiled.Interval})");
        }
    }

    private static bool IsPath(string path) =>
        path.Length is > 0 and <= MaxPathLength && path[0] == '/' && path.All(c => c is > ' ' and < (char)0x7f);
}
