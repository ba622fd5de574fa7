using Relay.Core.Net;
using Relay.Tls.Identity;

namespace Relay.Core.Config;

/// <summary>One item of mesh.yaml <c>inbound</c>: a port this host serves.</summary>
internal sealed record InboundPortConfig(
    ConfigLocation Location,
    Located<int>? Port,
    Located<NetEndpoint>? ForwardTo,
    Located<AppProtocol>? Protocol,
    Located<MtlsMode>? Mtls,
    ConfigList<SpiffeIdPattern>? Allow,
    Located<TimeSpan>? IdleTimeout)
{
    public RateLimitConfig? RateLimit { get; init; }

    public RateLimitConfig? ConnectionRateLimit { get; init; }

    /// <summary>Per-route authorization (<c>routes</c>): null when absent (no per-request rules).</summary>
    public IReadOnlyList<InboundRouteConfig>? Routes { get; init; }
}

/// <summary>
/// One authorization rule of an inbound port: HTTPRoute-shaped <c>matches</c> and the callers
/// <c>allow</c>ed on them (Linkerd: an AuthorizationPolicy targeting an HTTPRoute of a Server).
/// </summary>
internal sealed record InboundRouteConfig(ConfigLocation Location, Located<string>? Name, IReadOnlyList<RouteMatchConfig> Matches, ConfigList<SpiffeIdPattern>? Allow);
