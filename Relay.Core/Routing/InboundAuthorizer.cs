using System.Collections.Immutable;
using Relay.Core.Config;
using Relay.Core.Vocabulary;
using Relay.Tls.Identity;

namespace Relay.Core.Routing;

/// <summary>
/// Per-route authorization on an inbound port (issue 15; Linkerd's AuthorizationPolicy on an
/// HTTPRoute, Istio's AuthorizationPolicy ALLOW rules with <c>to.operation</c> and
/// <c>from.source.principals</c>). The request is matched exactly as a service's routes match it
/// (<see cref="HttpRouteMatcher.Holds"/> on the <see cref="RequestPath"/> normal form), so a rule
/// and the router can never read a path differently: the first route with a match that holds
/// takes it, and its <c>allow</c> must admit the caller. No route: denied (default deny).
/// </summary>
internal static class InboundAuthorizer
{
    /// <returns><see cref="CloseReason.Completed"/> and the route's name when allowed; else the reason and the route (null when none took it).</returns>
    public static (CloseReason Verdict, string? Route) Judge(ImmutableArray<InboundRoute> routes, in RouteRequest request, SpiffeId? caller)
    {
        foreach (var route in routes)
        {
            if (!Takes(route, request))
            {
                continue;
            }
            var allowed = route.Allow is not { } patterns || (caller is { } id && patterns.Any(p => p.Matches(id)));
            return (allowed ? CloseReason.Completed : CloseReason.AuthzCallerDenied, route.Name);
        }
        return (CloseReason.AuthzNoRoute, null);
    }

    private static bool Takes(InboundRoute route, in RouteRequest request)
    {
        if (route.Matches.IsEmpty)
        {
            return true;
        }
        foreach (var match in route.Matches)
        {
            if (HttpRouteMatcher.Holds(match, request))
            {
                return true;
            }
        }
        return false;
    }
}
