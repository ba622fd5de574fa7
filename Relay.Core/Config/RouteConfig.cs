namespace Relay.Core.Config;

/// <summary>
/// One entry of a service's <c>routes</c>, shaped like a Gateway API HTTPRoute rule: ordered
/// <c>matches</c> (any one matching selects the route) → weighted <c>backends</c>.
/// </summary>
internal sealed record RouteConfig(
    ConfigLocation Location,
    Located<string>? Name,
    IReadOnlyList<RouteMatchConfig> Matches,
    IReadOnlyList<BackendConfig> Backends,
    RouteHashConfig? Hash,
    RouteTimeoutsConfig? Timeouts = null,
    RetryConfig? Retries = null,
    FaultConfig? Fault = null,
    GuardConfig? Guard = null,
    MirrorConfig? Mirror = null)
{
    /// <summary>A token bucket for the route's requests (<c>requests_per_second</c>, <c>burst</c>); past it 429.</summary>
    public RateLimitConfig? RateLimit { get; init; }
}

/// <summary>Request mirroring (Gateway API's RequestMirror filter): a share of requests copied to a shadow backend, its answers discarded.</summary>
internal sealed record MirrorConfig(ConfigLocation Location, BackendConfig? Backend, Located<double>? Percent);

/// <summary>The canary guard: a backend whose success rate over <c>window</c> falls below the minimum (after <c>min_requests</c>) is cut to weight 0 on this host.</summary>
internal sealed record GuardConfig(ConfigLocation Location, Located<double>? MinSuccessRate, Located<int>? MinRequests, Located<TimeSpan>? Window);

/// <summary>Fault injection on a route: a delay and/or an abort, each on a share of requests, optionally only with a header.</summary>
internal sealed record FaultConfig(
    ConfigLocation Location,
    Located<TimeSpan>? Delay,
    Located<double>? DelayPercent,
    Located<int>? AbortStatus,
    Located<string>? AbortGrpc,
    Located<double>? AbortPercent,
    Located<string>? Header,
    ConfigLocation? DelayAt,
    ConfigLocation? AbortAt);

/// <summary>Per-route time limits: the whole request (a 504), each attempt to response headers, and inactivity.</summary>
internal sealed record RouteTimeoutsConfig(ConfigLocation Location, Located<TimeSpan>? Request, Located<TimeSpan>? PerTry, Located<TimeSpan>? Idle);

/// <summary>When and how often a route's requests are retried, within a budget.</summary>
internal sealed record RetryConfig(
    ConfigLocation Location,
    Located<int>? Attempts,
    ConfigList<string>? On,
    ConfigList<int>? Codes,
    ConfigList<string>? Grpc,
    Located<TimeSpan>? BackoffBase,
    Located<TimeSpan>? BackoffMax,
    RetryBudgetConfig? Budget,
    Located<bool>? NonIdempotent = null);

/// <summary>Linkerd's retry budget: retries at most <c>ratio</c> of requests, plus <c>min_per_second</c>, over <c>ttl</c>.</summary>
internal sealed record RetryBudgetConfig(ConfigLocation Location, Located<double>? Ratio, Located<int>? MinPerSecond, Located<TimeSpan>? Ttl);

/// <summary>Every condition given must hold (Gateway API HTTPRouteMatch: AND within one match).</summary>
internal sealed record RouteMatchConfig(
    ConfigLocation Location,
    PathMatchConfig? Path,
    Located<string>? Method,
    IReadOnlyList<ValueMatchConfig> Headers,
    IReadOnlyList<ValueMatchConfig> Query);

/// <summary>Exactly one of exact, prefix, regex.</summary>
internal sealed record PathMatchConfig(ConfigLocation Location, Located<string>? Exact, Located<string>? Prefix, Located<string>? Regex);

/// <summary>A header or query parameter: its name and exactly one of exact, regex, present.</summary>
internal sealed record ValueMatchConfig(ConfigLocation Location, Located<string>? Name, Located<string>? Exact, Located<string>? Regex, Located<bool>? Present);

/// <summary>A weighted share: endpoints of <c>service</c> (default: the route's own) carrying every <c>subset</c> label.</summary>
internal sealed record BackendConfig(ConfigLocation Location, Located<string>? Service, IReadOnlyList<EndpointLabelConfig> Subset, Located<int>? Weight);

/// <summary>Consistent hashing of the backend choice: on a header's value, or on the client's address.</summary>
internal sealed record RouteHashConfig(ConfigLocation Location, Located<string>? Header, Located<bool>? ClientAddress);
