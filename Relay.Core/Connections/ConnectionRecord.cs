using System.Net;
using Relay.Core.Mtls;
using Relay.Core.Net;

namespace Relay.Core.Connections;

/// <summary>
/// What the access log and the metrics say about one connection, filled in stage by stage
/// and recorded exactly once when it closes (ztunnel's ConnectionResult).
/// </summary>
internal sealed class ConnectionRecord(Direction direction, EndPoint? client, long startedAt)
{
    public Direction Direction { get; } = direction;
    public EndPoint? Client { get; } = client;
    public long StartedAt { get; } = startedAt;
    public OriginalDestination? Destination { get; set; }
    public string? Service { get; set; }
    public NetEndpoint? Endpoint { get; set; }
    public long BytesToUpstream { get; set; }
    public long BytesToClient { get; set; }
    public CloseReason Reason { get; set; }

    /// <summary>The mesh TLS session on the side Relay authenticated (client inbound, upstream outbound).</summary>
    public TlsFacts? Tls { get; set; }

    /// <summary>Why a mesh handshake failed (the handshake metric's reason label), for the access log.</summary>
    public string? TlsDetail { get; set; }

    /// <summary>allow | deny when an inbound port has an allow list; "-" otherwise.</summary>
    public string? Policy { get; set; }
}
