using Relay.Tls.Identity;

namespace Relay.Tls.MeshTls;

/// <summary>What went wrong in a mesh handshake, at the level the data path counts.</summary>
public enum MeshHandshakeFailure
{
    None = 0,

    /// <summary>We refused the peer's certificate; <see cref="MeshHandshakeResult.PeerReason"/> says why.</summary>
    PeerRejected,

    /// <summary>The TLS exchange itself failed: the peer refused us, sent garbage, or closed mid-handshake.</summary>
    ProtocolError,

    /// <summary>The handshake completed without the relay ALPN token.</summary>
    AlpnMismatch,

    /// <summary>The caller's token (handshake deadline) fired first.</summary>
    Timeout,
}

/// <summary>The outcome of one mesh handshake: the authenticated peer, or why there is none.</summary>
public sealed record MeshHandshakeResult(SpiffeId? PeerId, MeshHandshakeFailure Failure, PeerRejectReason PeerReason, string? Detail)
{
    public bool Succeeded => Failure == MeshHandshakeFailure.None;

    /// <summary>Metric label: "none" on success, the peer reason when we rejected, else the failure kind.</summary>
    public string ReasonLabel => Failure switch
    {
        MeshHandshakeFailure.None => "none",
        MeshHandshakeFailure.PeerRejected => PeerReason.Label(),
        MeshHandshakeFailure.ProtocolError => "protocol_error",
        MeshHandshakeFailure.AlpnMismatch => "alpn_mismatch",
        _ => "timeout",
    };

    public static MeshHandshakeResult Success(SpiffeId peer) => new(peer, MeshHandshakeFailure.None, PeerRejectReason.None, null);

    public static MeshHandshakeResult Rejected(PeerValidationResult verdict) =>
        new(null, MeshHandshakeFailure.PeerRejected, verdict.Reason, verdict.Detail);

    public static MeshHandshakeResult Failed(MeshHandshakeFailure failure, string detail) =>
        new(null, failure, PeerRejectReason.None, detail);
}
