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
        return route.Kind switch
        {
            OutboundRouteKind.Service => (UpstreamTarget.ForCluster(route.Service!, active.Clusters[route.Service!]), CloseReason.Completed),
            OutboundRouteKind.Passthrough => (UpstreamTarget.ForEndpoint(null, destination.Endpoint,
                config.Limits.ConnectTimeout, config.Limits.IdleTimeout), CloseReason.Completed),
            _ => (null, route.Refusal),
        };
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
