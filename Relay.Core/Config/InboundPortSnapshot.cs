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
}

/// <summary>How an inbound port treats traffic that is not mesh mTLS.</summary>
public enum MtlsMode
{
    /// <summary>Only mesh mTLS is accepted.</summary>
    Strict,

    /// <summary>Mesh mTLS is terminated; anything else passes to the app unchanged.</summary>
    Permissive,
}
