using Relay.Core.Config;
using Relay.Core.Vocabulary;

namespace Relay.Core.Routing;

/// <summary>Where an outbound connection goes: a service, straight through, or nowhere.</summary>
internal readonly record struct OutboundRoute(OutboundRouteKind Kind, ServiceSnapshot? Service, CloseReason Refusal)
{
    public static OutboundRoute ToService(ServiceSnapshot service) => new(OutboundRouteKind.Service, service, CloseReason.Completed);

    public static OutboundRoute Passthrough { get; } = new(OutboundRouteKind.Passthrough, null, CloseReason.Completed);

    public static OutboundRoute Refuse(CloseReason reason) => new(OutboundRouteKind.Refused, null, reason);
}

internal enum OutboundRouteKind
{
    Service,
    Passthrough,
    Refused,
}
