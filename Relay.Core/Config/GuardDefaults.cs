namespace Relay.Core.Config;

/// <summary>The canary guard's defaults (docs/config.md#guard).</summary>
internal static class GuardDefaults
{
    /// <summary>Flagger's built-in request-success-rate check: at least 99 % non-5xx answers.</summary>
    public const double MinSuccessRate = 0.99;

    /// <summary>The smallest sample in which one failure does not by itself fall below 0.99 (1/100 = 1 %): fewer requests say nothing.</summary>
    public const int MinRequests = 100;

    /// <summary>Flagger's analysis interval (1m): long enough to hold min_requests on a quiet route.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>A guard reports which backends it cut in a 64-bit mask; Gateway API allows 16 backendRefs per rule.</summary>
    public const int MaxBackends = 64;

    /// <summary>The window is kept as 10 slots (as the retry budget's); 1 s to 1 h keeps each slot between 100 ms and 6 min.</summary>
    public static readonly TimeSpan MinWindow = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromHours(1);
}
