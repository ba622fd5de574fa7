using System.Collections.Immutable;

namespace Relay.Core.Config;

/// <summary>A validated service's <c>routes</c> → <see cref="RouteSnapshot"/>s, subsets resolved to endpoint indexes.</summary>
internal static class RouteCompiler
{
    public static ImmutableArray<RouteSnapshot> Compile(ServiceConfig service, IReadOnlyList<ServiceConfig> services) =>
        [.. (service.Routes ?? []).Select((r, i) => Compile(r, i, service, services))];

    private static RouteSnapshot Compile(RouteConfig route, int index, ServiceConfig service, IReadOnlyList<ServiceConfig> services) => new(
        route.Name?.Value ?? $"route-{index}",
        [.. route.Matches.Select(Match)],
        [.. route.Backends.Select(b => Backend(b, service, services))],
        route.Hash is { } h ? new RouteHash(h.Header?.Value) : null)
    {
        Timeouts = route.Timeouts is { } t ? new RouteTimeouts(t.Request?.Value, t.PerTry?.Value, t.Idle?.Value) : null,
        Retries = route.Retries is { } r ? RetryCompiler.Compile(r) : null,
        Fault = route.Fault is { } f ? Fault(f) : null,
        RateLimit = route.RateLimit?.Compile(),
        Guard = route.Guard is { } g ? new RouteGuard(
            g.MinSuccessRate?.Value ?? GuardDefaults.MinSuccessRate, g.MinRequests?.Value ?? GuardDefaults.MinRequests, g.Window?.Value ?? GuardDefaults.Window) : null,
        // Gateway API's RequestMirror: without a percent every request is mirrored.
        Mirror = route.Mirror is { Backend: { } mb } m ? new RouteMirror(Backend(mb, service, services), m.Percent?.Value ?? 100) : null,
    };

    // Envoy's fault filter: a delay or abort without a percentage applies to every request.
    private static FaultPolicy Fault(FaultConfig fault) => new(
        fault.Delay?.Value,
        fault.Delay is null ? 0 : fault.DelayPercent?.Value ?? 100,
        fault.AbortStatus?.Value,
        fault.AbortGrpc is { } g ? RetryCompiler.GrpcStatuses[g.Value] : null,
        fault.AbortAt is null ? 0 : fault.AbortPercent?.Value ?? 100,
        fault.Header?.Value);

    public static RouteMatch Match(RouteMatchConfig match) => new(
        match.Path is { } p ? Path(p) : null,
        match.Method?.Value,
        [.. match.Headers.Select(Value)],
        [.. match.Query.Select(Value)]);

    private static PathMatch Path(PathMatchConfig path) =>
        path.Exact is { } exact ? new PathMatch(PathMatchKind.Exact, exact.Value, null)
        : path.Prefix is { } prefix ? new PathMatch(PathMatchKind.Prefix, prefix.Value.Length > 1 ? prefix.Value.TrimEnd('/') : prefix.Value, null)
        : new PathMatch(PathMatchKind.Regex, path.Regex!.Value, Regex(path.Regex.Value));

    private static ValueMatch Value(ValueMatchConfig value) =>
        value.Exact is { } exact ? new ValueMatch(value.Name!.Value, ValueMatchKind.Exact, exact.Value, null)
        : value.Regex is { } regex ? new ValueMatch(value.Name!.Value, ValueMatchKind.Regex, regex.Value, Regex(regex.Value))
        : new ValueMatch(value.Name!.Value, ValueMatchKind.Present, null, null);

    private static System.Text.RegularExpressions.Regex Regex(string pattern) =>
        RouteRegex.TryCompile(pattern, out var regex, out _) ? regex : throw new InvalidOperationException("compiling a regex validation rejected");

    private static RouteBackend Backend(BackendConfig backend, ServiceConfig service, IReadOnlyList<ServiceConfig> services)
    {
        var target = backend.Service is { } name ? services.First(s => s.Name.Value == name.Value) : service;
        var subset = backend.Subset.ToImmutableSortedDictionary(l => l.Key.Value, l => l.Value.Value, StringComparer.Ordinal);
        var endpoints = (target.Endpoints?.Items ?? [])
            .Select((e, i) => (e, i))
            .Where(x => subset.All(l => x.e.Value.Labels.Any(o => o.Key.Value == l.Key && o.Value.Value == l.Value)))
            .Select(x => x.i);
        // Gateway API's default weight is 1.
        return new RouteBackend(target.Name.Value, subset, backend.Weight?.Value ?? 1, [.. endpoints]);
    }
}
