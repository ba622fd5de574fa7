using Relay.Tls.Identity;

namespace Relay.Tls.MeshTls;

/// <summary>The verdict on a peer certificate: its SPIFFE ID, or the reason it was refused and a detail for the log.</summary>
public sealed record PeerValidationResult(SpiffeId? PeerId, PeerRejectReason Reason, string? Detail)
{
    public bool Accepted => Reason == PeerRejectReason.None;

    public static PeerValidationResult Accept(SpiffeId id) => new(id, PeerRejectReason.None, null);

    public static PeerValidationResult Reject(PeerRejectReason reason, string detail) => new(null, reason, detail);
}
