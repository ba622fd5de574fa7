using Relay.Core.Config;
using Relay.Core.Net;
using Relay.Core.Vocabulary;

namespace Relay.Core.Routing;

/// <summary>Outbound routing: the route table first, then the outbound policy.</summary>
internal static class Router
{
    public static OutboundRoute Route(OriginalDestination destination, ConfigSnapshot config)
    {
        if (config.Routes.Lookup(destination) is { } service)
        {
            return OutboundRoute.ToService(service);
        }
        return config.Capture.OutboundPolicy == OutboundPolicy.Passthrough
            ? OutboundRoute.Passthrough
            : OutboundRoute.Refuse(CloseReason.RegistryOnlyUnknownDestination);
    }
}
