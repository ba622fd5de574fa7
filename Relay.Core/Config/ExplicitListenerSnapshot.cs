using Relay.Core.Net;
using Relay.Core.Vocabulary;

namespace Relay.Core.Config;

/// <summary>
/// A compiled explicit listener. <see cref="Destination"/> stands in for SO_ORIGINAL_DST: for an
/// outbound listener it is the service's first endpoint (so the route table finds the service);
/// for an inbound one it is the listener's IP on the inbound port (so InboundByPort finds it).
/// </summary>
public sealed record ExplicitListenerSnapshot(
    NetEndpoint Address,
    Direction Direction,
    OriginalDestination Destination,
    string? Service,
    int? InboundPort);
