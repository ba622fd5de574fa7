using System.Net.Security;
using Relay.Core.Connections;
using Relay.Core.Net;
using Relay.Core.Vocabulary;
using Relay.Tls.Certificates;

namespace Relay.Core.Http;

/// <summary>
/// What Relay's stages learned about a connection before Kestrel took it: the direction, the
/// original destination, the routed target (service, cluster, timeouts, inbound port) and the
/// peer's verified mesh identity. Kestrel's per-request feature collections fall back to the
/// connection's, so each request reads it with <c>Features.Get&lt;RelayConnectionFeature&gt;()</c>.
/// </summary>
internal sealed class RelayConnectionFeature(Direction direction, OriginalDestination destination, UpstreamTarget target, TlsFacts? peer, ProxyProtocol protocol)
{
    public Direction Direction { get; } = direction;

    public OriginalDestination Destination { get; } = destination;

    /// <summary>The target routed at accept: the connection's service or inbound port. Each request re-resolves it under the config current then.</summary>
    public UpstreamTarget Target { get; } = target;

    /// <summary>The caller's mesh TLS session (inbound over mesh mTLS); null for a local app's plaintext.</summary>
    public TlsFacts? Peer { get; } = peer;

    /// <summary>The protocol the client speaks on this connection.</summary>
    public ProxyProtocol Protocol { get; } = protocol;

    /// <summary>
    /// Inbound relay/h2 only: the TLS session (the caller's certificate) and this side's material
    /// at the handshake, so each request re-judges the caller under the config current then.
    /// </summary>
    public SslStream? MeshSession { get; init; }

    public MeshCredentials? MeshCredentials { get; init; }

    /// <summary>True when the client is a peer Relay speaking relay/h2 (its x-relay-orig-proto header is trusted).</summary>
    public bool FromPeerRelay => MeshSession is not null;

    /// <summary>The last request's failure, for the connection record when Kestrel then aborts the connection.</summary>
    public CloseReason? LastFailure { get; set; }
}
