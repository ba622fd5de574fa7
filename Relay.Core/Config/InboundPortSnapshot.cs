using System.Collections.Immutable;
using Relay.Core.Net;
using Relay.Tls.Identity;

namespace Relay.Core.Config;

/// <summary>A port this host serves: captured inbound and forwarded to the local app.</summary>
public sealed record InboundPortSnapshot(
    int Port,
    NetEndpoint ForwardTo,
    AppProtocol Protocol,
    MtlsMode Mtls,
    ImmutableArray<SpiffeIdPattern>? Allow,
    TimeSpan IdleTimeout)
{
    /// <summary>HTTP requests admitted per second (<c>rate_limit</c>); null for none. L7 only: 429 with Retry-After.</summary>
    public RateLimitSnapshot? RateLimit { get; init; }

    /// <summary>New connections admitted per second (<c>connection_rate_limit</c>); null for none. Any protocol: reset at accept.</summary>
    public RateLimitSnapshot? ConnectionRateLimit { get; init; }

    /// <summary>
    /// Per-route authorization, in file order. Empty: no per-request rules (only <see cref="Allow"/>
    /// judges callers). Non-empty: default deny, each HTTP request must be taken by a route whose
    /// <c>allow</c> admits its caller, and a connection that is not HTTP is refused.
    /// </summary>
    public ImmutableArray<InboundRoute> Routes { get; init; } = [];
}

/// <summary>
/// One inbound authorization rule: the first route (file order) with a match that holds takes the
/// request (an empty <see cref="Matches"/> takes every request); <see cref="Allow"/> null admits
/// any caller, plaintext included (Istio: a rule without <c>from</c>), else only mesh callers
/// whose SPIFFE ID matches a pattern.
/// </summary>
public sealed record InboundRoute(string Name, ImmutableArray<RouteMatch> Matches, ImmutableArray<SpiffeIdPattern>? Allow);

/// <summary>How an inbound port treats traffic that is not mesh mTLS.</summary>
public enum MtlsMode
{
    /// <summary>Only mesh mTLS is accepted.</summary>
    Strict,

    /// <summary>Mesh mTLS is terminated; anything else passes to the app unchanged.</summary>
    Permissive,
}
