namespace Relay.Core.Config.Validation;

/// <summary>services.NAME.outlier_detection: streaks of at least 1, percentages 0–100, a base ejection time no longer than the max.</summary>
internal static class OutlierDetectionValidator
{
    // A streak above 1000 would never trip on any real error rate; it is a typo for "off".
    private const int MaxStreak = 1000;

    public static void Validate(OutlierDetectionConfig? o, ConfigErrorSink errors)
    {
        if (o is null)
        {
            return;
        }
        ValueRules.Range(o.Consecutive5xx, 1, MaxStreak, errors);
        ValueRules.Range(o.ConsecutiveGatewayErrors, 1, MaxStreak, errors);
        ValueRules.Range(o.ConsecutiveConnectFailures, 1, MaxStreak, errors);
        ValueRules.Range(o.MaxEjectionPercent, 0, 100, errors);
        ValueRules.Range(o.PanicThreshold, 0, 100, errors);
        var compiled = o.Compile();
        if (compiled.BaseEjectionTime <= TimeSpan.Zero)
        {
            errors.Add(o.BaseEjectionTime!.Location, "must be longer than 0");
        }
        else if (compiled.BaseEjectionTime > compiled.MaxEjectionTime)
        {
            errors.Add((o.MaxEjectionTime ?? o.BaseEjectionTime)!.Location, $"max_ejection_time ({compiled.MaxEjectionTime}) must not be shorter than base_ejection_time ({compiled.BaseEjectionTime})");
        }
    }
}
