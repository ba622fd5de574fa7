using Relay.Core.Connections;
using Relay.Core.Net;
using Relay.Core.Vocabulary;

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

    public UpstreamTarget Target { get; } = target;

    /// <summary>The caller's mesh TLS session (inbound over mesh mTLS); null for a local app's plaintext.</summary>
    public TlsFacts? Peer { get; } = peer;

    /// <summary>The protocol the client speaks on this connection; the upstream request uses the same version.</summary>
    public ProxyProtocol Protocol { get; } = protocol;

    /// <summary>The last request's failure, for the connection record when Kestrel then aborts the connection.</summary>
    public CloseReason? LastFailure { get; set; }
}
