using Relay.Core.Net;
using Relay.Core.Vocabulary;

namespace Relay.Core.Config;

/// <summary>
/// One item of mesh.yaml <c>listeners</c>: an explicit (non-transparent) listener that apps dial
/// directly. Outbound ones name a service; inbound ones name a declared inbound port.
/// </summary>
internal sealed record ListenerConfig(
    ConfigLocation Location,
    Located<NetEndpoint>? Address,
    Located<Direction>? Direction,
    Located<string>? Service,
    Located<int>? InboundPort);
