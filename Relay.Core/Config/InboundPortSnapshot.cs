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
    TimeSpan IdleTimeout);

/// <summary>How an inbound port treats traffic that is not mesh mTLS.</summary>
public enum MtlsMode
{
    /// <summary>Only mesh mTLS is accepted.</summary>
    Strict,

    /// <summary>Mesh mTLS is terminated; anything else passes to the app unchanged.</summary>
    Permissive,
}
