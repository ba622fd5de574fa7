using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Relay.Core.Config;
using Relay.Core.Connections;
using Relay.Core.Mtls;
using Relay.Core.Routing;
using Relay.Core.Vocabulary;

namespace Relay.Core.Http;

/// <summary>
/// Where one request goes, decided under the config current when it arrives (a keep-alive or
/// HTTP/2 connection outlives reloads; each request reads the config once, as each connection
/// does at accept): the upstream's invoker spec, or the reason and status it is refused with.
/// Inbound requests from a peer Relay are judged again against the port's current policy and
/// trust, as each later stream of a relay/2 connection is (<see cref="MeshChannelPolicy"/>).
/// </summary>
internal readonly record struct RequestTarget(InvokerSpec? Spec, UpstreamTarget? Target, CloseReason Refusal, int Status)
{
    /// <summary>The route that took the request, when the service has routes.</summary>
    public RouteSnapshot? Route { get; init; }

    /// <summary>When a rate limit (the inbound port's or the route's) refused the request: how long until a token is due.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The index of the route's backend that took the request (the canary guard counts its answer).</summary>
    public int Backend { get; init; }

    /// <summary>The service whose routes took the request (a backend may be another service).</summary>
    public string? RoutedBy { get; init; }

    public static RequestTarget Resolve(RelayConnectionFeature relay, ActiveConfig active, HttpContext context) =>
        relay.Direction == Direction.Inbound ? Inbound(relay, active, context) : Outbound(relay, active, context);

    private static RequestTarget Outbound(RelayConnectionFeature relay, ActiveConfig active, HttpContext context)
    {
        var (target, refusal) = TargetResolver.Outbound(relay.Destination, active);
        if (target is not { Cluster: { } cluster, Service: { } service })
        {
            // The service was removed (or became passthrough) by a reload since the connection opened.
            return Refused(target is null ? refusal : CloseReason.NoHealthyEndpoint, StatusCodes.Status503ServiceUnavailable);
        }
        if (!service.Routes.IsEmpty)
        {
            return Routed(service, active, context);
        }
        return new(InvokerSpec.ForService(service, cluster, active.Tls), target, CloseReason.Completed, StatusCodes.Status200OK);
    }

    /// <summary>A service with routes: the first matching route, then a backend by weight (or hash); no match is a 404.</summary>
    private static RequestTarget Routed(ServiceSnapshot service, ActiveConfig active, HttpContext context)
    {
        var request = context.Request;
        var route = HttpRouteMatcher.Match(service.Routes, MatchedRequest(context));
        if (route is null)
        {
            return Refused(CloseReason.NoRouteMatched, StatusCodes.Status404NotFound);
        }
        if (!active.RouteRateLimits.TryRequest(service.Name, route, out var retryAfter))
        {
            // The route's rate_limit, before a backend is picked: a refused request costs no endpoint anything.
            return Refused(CloseReason.RateLimited, StatusCodes.Status429TooManyRequests) with { Route = route, RetryAfter = retryAfter };
        }
        var key = BackendPicker.KeyOf(route.Hash, name => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null, context.Connection.RemoteIpAddress);
        // The canary guard's weights where it cut a backend on this host, else the file's.
        var backend = BackendPicker.PickIndex(route, key, active.Guards.WeightsOf(service.Name, route));
        var target = TargetResolver.ForBackend(route.Backends[backend], service, active);
        return new(InvokerSpec.ForService(target.Service!, target.Cluster!, active.Tls), target, CloseReason.Completed, StatusCodes.Status200OK)
        {
            Route = route,
            Backend = backend,
            RoutedBy = service.Name,
        };
    }

    /// <summary>What routes and authorization rules match: the raw request target in <see cref="RequestPath"/>'s one normal form, method, headers, query.</summary>
    private static RouteRequest MatchedRequest(HttpContext context)
    {
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        return new RouteRequest(RequestPath.Normalize(rawTarget), request.Method, request.Headers, request.Query);
    }

    private static RequestTarget Inbound(RelayConnectionFeature relay, ActiveConfig active, HttpContext context)
    {
        var (target, refusal) = TargetResolver.Inbound(relay.Destination, active);
        if (target?.InboundPort is not { } port)
        {
            return Refused(refusal, StatusCodes.Status503ServiceUnavailable);
        }
        if (relay.MeshSession is { } session)
        {
            var verdict = MeshChannelPolicy.Judge(session.RemoteCertificate, relay.MeshCredentials, relay.Peer!, port, active.Tls);
            if (verdict != CloseReason.Completed)
            {
                return Refused(verdict, StatusCodes.Status403Forbidden);
            }
        }
        else if (active.Tls is not null && port.Mtls == MtlsMode.Strict)
        {
            // Plaintext admitted while the port was permissive; a reload made it strict since.
            return Refused(CloseReason.StrictModePlaintextRefused, StatusCodes.Status403Forbidden);
        }
        if (!port.Routes.IsEmpty)
        {
            // Per-route authorization: judged before anything is sent to the app, never by it.
            var (verdict, _) = InboundAuthorizer.Judge(port.Routes, MatchedRequest(context), relay.MeshSession is null ? null : relay.Peer?.Peer);
            if (verdict != CloseReason.Completed)
            {
                return Refused(verdict, StatusCodes.Status403Forbidden);
            }
        }
        return new(InvokerSpec.ForInbound(port, active.Snapshot.Limits.ConnectTimeout), target, CloseReason.Completed, StatusCodes.Status200OK);
    }

    private static RequestTarget Refused(CloseReason reason, int status) => new(null, null, reason, status);
}
