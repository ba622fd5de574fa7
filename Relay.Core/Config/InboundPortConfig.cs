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
}
