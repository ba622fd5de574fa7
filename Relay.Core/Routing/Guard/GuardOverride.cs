namespace Relay.Core.Routing.Guard;

/// <summary>
/// One backend the canary guard cut on this host: a runtime override of the file's weight, shown
/// by GET /config and <c>relay config status</c> beside (never inside) the file's config, and
/// kept until a reload applies a changed file.
/// </summary>
/// <param name="Backend">The backend as <c>relay config diff</c> names it: service{label=value,...}.</param>
/// <param name="SuccessRate">The share of non-5xx answers over the window when it tripped.</param>
/// <param name="Requests">The answers in the window when it tripped.</param>
public sealed record GuardOverride(
    string Service,
    string Route,
    string Backend,
    int FileWeight,
    int Weight,
    double SuccessRate,
    long Requests,
    double MinSuccessRate,
    DateTimeOffset At);
