using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Relay.Core.Config;

/// <summary>
/// One compiled route of a service: the first route (in file order) with a match that holds takes
/// the request; an empty <see cref="Matches"/> matches every request (and every TCP connection).
/// </summary>
public sealed record RouteSnapshot(string Name, ImmutableArray<RouteMatch> Matches, ImmutableArray<RouteBackend> Backends, RouteHash? Hash)
{
    /// <summary>The sum of the backends' weights (positive: validation requires one weight above zero).</summary>
    public long TotalWeight { get; } = Backends.Sum(b => (long)b.Weight);

    public RouteTimeouts? Timeouts { get; init; }

    public RetryPolicy? Retries { get; init; }

    public FaultPolicy? Fault { get; init; }

    /// <summary><c>rate_limit</c>: the route's requests per second and burst; null: unlimited.</summary>
    public RateLimitSnapshot? RateLimit { get; init; }

    public RouteGuard? Guard { get; init; }

    public RouteMirror? Mirror { get; init; }
}

/// <summary>Copy <see cref="Percent"/> % of the route's requests to <see cref="Backend"/> (its weight unused), answers discarded.</summary>
public sealed record RouteMirror(RouteBackend Backend, double Percent);

/// <summary>
/// The canary guard of a route: a backend whose share of non-5xx answers over <see cref="Window"/>
/// falls below <see cref="MinSuccessRate"/>, once <see cref="MinRequests"/> were seen, is cut to
/// weight 0 on this host until the file changes (Flagger's request-success-rate check, in the data plane).
/// </summary>
public sealed record RouteGuard(double MinSuccessRate, int MinRequests, TimeSpan Window);

/// <summary>Every condition present must hold; null or empty conditions are not checked.</summary>
public sealed record RouteMatch(PathMatch? Path, string? Method, ImmutableArray<ValueMatch> Headers, ImmutableArray<ValueMatch> Query);

public enum PathMatchKind
{
    Exact,
    Prefix,
    Regex,
}

/// <summary>A path condition on the normalised path (<c>RequestPath</c>). Prefix matches whole segments, as Gateway API's PathPrefix.</summary>
public sealed record PathMatch(PathMatchKind Kind, string Value, Regex? Pattern);

public enum ValueMatchKind
{
    Exact,
    Regex,
    Present,
}

/// <summary>A header (name case-insensitive) or query parameter (name exact) condition.</summary>
public sealed record ValueMatch(string Name, ValueMatchKind Kind, string? Value, Regex? Pattern);

/// <summary>
/// A weighted share of a route's traffic: the endpoints of <see cref="Service"/> whose labels
/// include <see cref="Subset"/>, as indexes into that service's endpoints.
/// </summary>
public sealed record RouteBackend(string Service, ImmutableSortedDictionary<string, string> Subset, int Weight, ImmutableArray<int> Endpoints);

/// <summary>Hash the backend choice on a header's value (null: on the client's IP address).</summary>
public sealed record RouteHash(string? Header);
