using System.Net;
using Relay.Core.Config;
using Relay.Core.Net;
using Relay.Core.Routing;
using Relay.Core.Vocabulary;

namespace Relay.Core.Connections;

/// <summary>Turns an original destination into an upstream target, or a refusal.</summary>
internal static class TargetResolver
{
    public static (UpstreamTarget? Target, CloseReason Refusal) Outbound(OriginalDestination destination, ActiveConfig active)
    {
        var config = active.Snapshot;
        var route = Router.Route(destination, config);
        if (route.Kind != OutboundRouteKind.Service && active.Clusters.DiscoveredAt(destination.Endpoint) is { } discovered)
        {
            // An app that resolved a dns:/srv: name itself dialled one of its endpoints: the service's, not the outbound policy's.
            route = OutboundRoute.ToService(config.ServicesByName[discovered]);
        }
        return route.Kind switch
        {
            OutboundRouteKind.Service => (UpstreamTarget.ForCluster(route.Service!, active.Clusters[route.Service!]), CloseReason.Completed),
            OutboundRouteKind.Passthrough => (UpstreamTarget.ForEndpoint(null, destination.Endpoint,
                config.Limits.ConnectTimeout, config.Limits.IdleTimeout), CloseReason.Completed),
            _ => (null, route.Refusal),
        };
    }

    /// <summary>
    /// The L4 split: a TCP connection to a service with routes goes to a backend of its first
    /// route that matches everything (a tcp service's routes have no matches), drawn per connection
    /// by weight, or hashed on the client's address when the route says so.
    /// </summary>
    public static UpstreamTarget SplitConnection(UpstreamTarget target, ActiveConfig active, IPAddress? client)
    {
        if (target.Service is not { Routes.IsEmpty: false } service || service.Routes.FirstOrDefault(r => r.Matches.IsEmpty) is not { } route)
        {
            return target;
        }
        var backend = BackendPicker.Pick(route, BackendPicker.KeyOf(route.Hash, _ => null, client));
        return ForBackend(backend, service, active);
    }

    /// <summary>The target a route backend names: a subset of the routed service, or (a subset of) another service.</summary>
    public static UpstreamTarget ForBackend(RouteBackend backend, ServiceSnapshot routed, ActiveConfig active)
    {
        var service = backend.Service == routed.Name ? routed : active.Snapshot.ServicesByName[backend.Service];
        return UpstreamTarget.ForCluster(service, active.Clusters[service]) with { Subset = backend.Endpoints };
    }

    public static (UpstreamTarget? Target, CloseReason Refusal) Inbound(OriginalDestination destination, ActiveConfig active)
    {
        var config = active.Snapshot;
        if (!config.InboundByPort.TryGetValue(destination.Endpoint.Port, out var port))
        {
            // Captured by rules of an older config, or a direct hit on the inbound listener.
            return (null, CloseReason.InboundPortNotDeclared);
        }
        return (UpstreamTarget.ForInbound(port, config.Limits.ConnectTimeout), CloseReason.Completed);
    }
}
