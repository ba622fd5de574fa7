using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using Relay.Core.Config;

namespace Relay.Core.Routing;

/// <summary>What a route match reads of one request: the normalised path (<see cref="RequestPath"/>), method, headers, query.</summary>
internal readonly record struct RouteRequest(string Path, string Method, IHeaderDictionary Headers, IQueryCollection Query);

/// <summary>
/// First route wins: routes in file order, a route taken when any of its matches holds (all of
/// one match's conditions together), Gateway API's HTTPRoute semantics within one service.
/// </summary>
internal static class HttpRouteMatcher
{
    public static RouteSnapshot? Match(ImmutableArray<RouteSnapshot> routes, in RouteRequest request)
    {
        foreach (var route in routes)
        {
            if (route.Matches.IsEmpty)
            {
                return route;
            }
            foreach (var match in route.Matches)
            {
                if (Holds(match, request))
                {
                    return route;
                }
            }
        }
        return null;
    }

    public static bool Holds(RouteMatch match, in RouteRequest request)
    {
        if (match.Path is { } path && !Path(path, request.Path))
        {
            return false;
        }
        if (match.Method is { } method && !string.Equals(method, request.Method, StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var header in match.Headers)
        {
            // Header names are case-insensitive (RFC 9110 §5.1); several lines are one comma-joined value.
            var present = request.Headers.TryGetValue(header.Name, out var values);
            if (!Value(header, present, values.ToString()))
            {
                return false;
            }
        }
        foreach (var query in match.Query)
        {
            // Gateway API: with a repeated parameter, the first value is matched.
            var present = request.Query.TryGetValue(query.Name, out var values) && values.Count > 0;
            if (!Value(query, present, present ? values[0] ?? "" : ""))
            {
                return false;
            }
        }
        return true;
    }

    private static bool Path(PathMatch match, string path) => match.Kind switch
    {
        PathMatchKind.Exact => string.Equals(path, match.Value, StringComparison.Ordinal),
        // Whole segments: /api matches /api and /api/x, not /apix (Gateway API PathPrefix).
        PathMatchKind.Prefix => match.Value == "/"
            || (path.StartsWith(match.Value, StringComparison.Ordinal) && (path.Length == match.Value.Length || path[match.Value.Length] == '/')),
        _ => match.Pattern!.IsMatch(path),
    };

    private static bool Value(ValueMatch match, bool present, string value) => present && match.Kind switch
    {
        ValueMatchKind.Exact => string.Equals(value, match.Value, StringComparison.Ordinal),
        ValueMatchKind.Regex => match.Pattern!.IsMatch(value),
        _ => true,
    };
}
