using Relay.Core.Vocabulary;

namespace Relay.Core.Http;

/// <summary>What the request access log and the request metrics say about one request.</summary>
internal sealed record RequestRecord(
    Direction Direction,
    string Service,
    string Method,
    string Authority,
    string Path,
    string Protocol,
    int Status,
    long StartedAt,
    long BytesToUpstream,
    long BytesToClient,
    string? Peer,
    string RequestId,
    string? Error,
    string Endpoint)
{
    /// <summary>The request's trace: its server span's, else the caller's when Relay made no span; null when neither.</summary>
    public string? TraceId { get; init; }

    /// <summary>The route that took the request (its name from mesh.yaml, or route-&lt;index&gt;); null when none did.</summary>
    public string? Route { get; init; }

    /// <summary>The endpoint's zone against this host's (<see cref="Upstreams.ClusterState.LocalityOf"/>); null when this host has no zone.</summary>
    public string? Locality { get; init; }

    /// <summary>Relay's server span for the request; null when not traced.</summary>
    public string? SpanId { get; init; }
}
