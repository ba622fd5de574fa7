namespace Relay.Core.Config.Validation;

/// <summary>
/// A route's <c>guard</c>: a rate between 0 and 1, a positive request count, a window of 1s to 1h;
/// HTTP only (a TCP connection has no status to judge), and a route with at least two backends
/// (with one, cutting it would leave nothing to carry the traffic).
/// </summary>
internal static class GuardValidator
{
    /// <summary>More than this in one window is a sample no operator means; it also bounds the counters.</summary>
    public const int MaxMinRequests = 1_000_000;

    public static void Validate(RouteConfig route, bool tcp, ConfigErrorSink errors)
    {
        if (route.Guard is not { } guard)
        {
            return;
        }
        if (tcp)
        {
            errors.Add(guard.Location, "a guard judges HTTP answers; a tcp service's routes cannot have one");
            return;
        }
        if (route.Backends.Count < 2)
        {
            errors.Add(guard.Location, "a guard needs at least two backends: it moves a failing backend's share to the others");
        }
        else if (route.Backends.Count > GuardDefaults.MaxBackends)
        {
            errors.Add(guard.Location, $"a guarded route may have at most {GuardDefaults.MaxBackends} backends");
        }
        if (guard.MinSuccessRate is { Value: <= 0 or > 1 } rate)
        {
            errors.Add(rate.Location, $"must be above 0 and at most 1 (a share of non-5xx answers, e.g. 0.99), got {rate.Value}");
        }
        ValueRules.Range(guard.MinRequests, 1, MaxMinRequests, errors);
        if (guard.Window is { Value: var w } window && (w < GuardDefaults.MinWindow || w > GuardDefaults.MaxWindow))
        {
            errors.Add(window.Location, "must be between 1s and 1h");
        }
    }
}
