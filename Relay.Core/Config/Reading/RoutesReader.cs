using Relay.Core.Config.Yaml;

namespace Relay.Core.Config.Reading;

/// <summary>A service's <c>routes</c> list (docs/config.md#routes); rules are checked by RoutesValidator.</summary>
internal static class RoutesReader
{
    public static readonly string[] RouteKeys = ["name", "matches", "backends", "hash", "timeouts", "retries", "fault", "guard", "mirror", "rate_limit"];
    public static readonly string[] MatchKeys = ["path", "method", "headers", "query"];
    private static readonly string[] PathKeys = ["exact", "prefix", "regex"];
    private static readonly string[] ValueKeys = ["name", "exact", "regex", "present"];
    private static readonly string[] BackendKeys = ["service", "subset", "weight"];
    private static readonly string[] HashKeys = ["header", "client_address"];
    private static readonly string[] TimeoutKeys = ["request", "per_try", "idle"];
    private static readonly string[] RetryKeys = ["attempts", "on", "codes", "grpc", "backoff", "budget", "non_idempotent"];
    private static readonly string[] BackoffKeys = ["base", "max"];
    private static readonly string[] BudgetKeys = ["ratio", "min_per_second", "ttl"];

    private static readonly string[] FaultKeys = ["delay", "abort", "header"];
    private static readonly string[] DelayKeys = ["duration", "percent"];
    private static readonly string[] AbortKeys = ["status", "grpc", "percent"];

    private static readonly string[] MirrorKeys = ["backend", "percent"];
    private static readonly string[] MirrorBackendKeys = ["service", "subset"];
    private static readonly string[] GuardKeys = ["min_success_rate", "min_requests", "window"];

    private static readonly ScalarParser<double> Ratio = ScalarParsers.Text<double>(ParseRatio);

    public static IReadOnlyList<RouteConfig> Read(MappingReader service) =>
        [.. service.MappingList("routes", RouteKeys).Select(ReadRoute)];

    private static RouteConfig ReadRoute(MappingReader r) => new(
        r.Location,
        r.String("name"),
        [.. r.MappingList("matches", MatchKeys).Select(ReadMatch)],
        [.. r.MappingList("backends", BackendKeys).Select(ReadBackend)],
        r.Mapping("hash", HashKeys) is { } h ? new RouteHashConfig(h.Location, h.String("header"), h.Bool("client_address")) : null,
        r.Mapping("timeouts", TimeoutKeys) is { } t
            ? new RouteTimeoutsConfig(t.Location, t.Scalar("request", LimitsSectionReader.Duration), t.Scalar("per_try", LimitsSectionReader.Duration), t.Scalar("idle", LimitsSectionReader.Duration))
            : null,
        r.Mapping("retries", RetryKeys) is { } retries ? ReadRetries(retries) : null,
        r.Mapping("fault", FaultKeys) is { } fault ? ReadFault(fault) : null,
        r.Mapping("guard", GuardKeys) is { } g
            ? new GuardConfig(g.Location, g.Scalar("min_success_rate", Ratio), g.Int("min_requests"), g.Scalar("window", LimitsSectionReader.Duration))
            : null,
        r.Mapping("mirror", MirrorKeys) is { } m
            ? new MirrorConfig(m.Location, m.Mapping("backend", MirrorBackendKeys) is { } b ? ReadBackend(b) : null, m.Scalar("percent", Ratio))
            : null)
    {
        RateLimit = RateLimitReader.Read(r.Mapping("rate_limit", RateLimitReader.RequestKeys), "requests_per_second"),
    };

    private static FaultConfig ReadFault(MappingReader f)
    {
        var delay = f.Mapping("delay", DelayKeys);
        var abort = f.Mapping("abort", AbortKeys);
        return new FaultConfig(
            f.Location,
            delay?.Scalar("duration", LimitsSectionReader.Duration, required: true),
            delay?.Scalar("percent", Ratio),
            abort?.Int("status"),
            abort?.String("grpc"),
            abort?.Scalar("percent", Ratio),
            f.String("header"),
            delay?.Location,
            abort?.Location);
    }

    private static RetryConfig ReadRetries(MappingReader r)
    {
        var backoff = r.Mapping("backoff", BackoffKeys);
        var budget = r.Mapping("budget", BudgetKeys);
        return new RetryConfig(
            r.Location,
            r.Int("attempts"),
            r.List<string>("on", ScalarParsers.String),
            r.List<int>("codes", ScalarParsers.Int),
            r.List<string>("grpc", ScalarParsers.String),
            backoff?.Scalar("base", LimitsSectionReader.Duration),
            backoff?.Scalar("max", LimitsSectionReader.Duration),
            budget is null ? null : new RetryBudgetConfig(budget.Location, budget.Scalar("ratio", Ratio), budget.Int("min_per_second"), budget.Scalar("ttl", LimitsSectionReader.Duration)),
            r.Bool("non_idempotent"));
    }

    private static bool ParseRatio(string text, out double value, out string? error)
    {
        error = null;
        if (double.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out value))
        {
            return true;
        }
        error = $"expected a decimal ratio such as 0.2, got '{text}'";
        return false;
    }

    public static RouteMatchConfig ReadMatch(MappingReader m) => new(
        m.Location,
        m.Mapping("path", PathKeys) is { } p ? new PathMatchConfig(p.Location, p.String("exact"), p.String("prefix"), p.String("regex")) : null,
        m.String("method"),
        ReadValues(m, "headers"),
        ReadValues(m, "query"));

    private static List<ValueMatchConfig> ReadValues(MappingReader m, string key) =>
        [.. m.MappingList(key, ValueKeys).Select(v => new ValueMatchConfig(v.Location, v.String("name", required: true), v.String("exact"), v.String("regex"), v.Bool("present")))];

    private static BackendConfig ReadBackend(MappingReader b) => new(
        b.Location,
        b.String("service"),
        EndpointsReader.ReadLabels(b.Node("subset"), b.PathOf("subset"), b.Errors) ?? [],
        b.Int("weight"));
}
