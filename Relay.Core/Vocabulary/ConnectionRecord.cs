using System.Net;
using Relay.Core.Net;

namespace Relay.Core.Vocabulary;

/// <summary>
/// What the access log and the metrics say about one connection, filled in stage by stage
/// and recorded exactly once when it closes (ztunnel's ConnectionResult).
/// </summary>
internal sealed class ConnectionRecord(Direction direction, EndPoint? client, long startedAt)
{
    public Direction Direction { get; } = direction;
    public EndPoint? Client { get; } = client;
    public long StartedAt { get; private set; } = startedAt;
    public OriginalDestination? Destination { get; set; }
    public string? Service { get; set; }

    /// <summary>The service counted in the per-service active gauge, until the record is closed.</summary>
    public string? ActiveService { get; set; }
    public NetEndpoint? Endpoint { get; set; }

    /// <summary>The bytes' locality label (same/cross/-), set with the endpoint when this host has a zone; else null.</summary>
    public string? Locality { get; set; }
    public long BytesToUpstream { get; set; }
    public long BytesToClient { get; set; }
    public CloseReason Reason { get; set; }

    /// <summary>The protocol decision (tcp | http1 | http2).</summary>
    public ProxyProtocol Protocol { get; set; }

    /// <summary>What the detect stage saw (docs/detection.md), e.g. http1, timeout, skipped.</summary>
    public string? Detected { get; set; }

    /// <summary>The mesh TLS session on the side Relay authenticated (client inbound, upstream outbound).</summary>
    public TlsFacts? Tls { get; set; }

    /// <summary>Why a mesh handshake failed (the handshake metric's reason label), for the access log.</summary>
    public string? TlsDetail { get; set; }

    /// <summary>allow | deny when an inbound port has an allow list; "-" otherwise.</summary>
    public string? Policy { get; set; }

    /// <summary>Which stream of its mesh TLS connection this was (1 = the connection's first; relay/2 reuses connections).</summary>
    public int? MeshStream { get; set; }

    /// <summary>Already recorded: a relay/2 connection between streams has no open record.</summary>
    public bool Finished { get; set; }

    /// <summary>Starts the record of the next stream on the same mesh connection: same caller, destination and TLS session.</summary>
    public void NextStream(long startedAt)
    {
        StartedAt = startedAt;
        Service = null;
        Endpoint = null;
        Locality = null;
        BytesToUpstream = 0;
        BytesToClient = 0;
        Reason = CloseReason.Completed;
        Policy = null;
        Finished = false;
    }
}
