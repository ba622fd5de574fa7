namespace Relay.Tls.MeshTls;

/// <summary>Why a peer's certificate was refused; the data path maps each to a counted close reason.</summary>
public enum PeerRejectReason
{
    None = 0,
    NoCertificate,
    UntrustedChain,
    Expired,
    NotYetValid,
    CaAsLeaf,
    WrongKeyUsage,
    NoUriSan,
    MultipleUriSans,
    NotSpiffe,
    WrongTrustDomain,
    IdentityNotAllowed,
}

public static class PeerRejectReasonNames
{
    /// <summary>Stable snake_case label for metrics and logs, e.g. <c>untrusted_chain</c>.</summary>
    public static string Label(this PeerRejectReason reason) => reason switch
    {
        PeerRejectReason.None => "none",
        PeerRejectReason.NoCertificate => "no_certificate",
        PeerRejectReason.UntrustedChain => "untrusted_chain",
        PeerRejectReason.Expired => "expired",
        PeerRejectReason.NotYetValid => "not_yet_valid",
        PeerRejectReason.CaAsLeaf => "ca_as_leaf",
        PeerRejectReason.WrongKeyUsage => "wrong_key_usage",
        PeerRejectReason.NoUriSan => "no_uri_san",
        PeerRejectReason.MultipleUriSans => "multiple_uri_sans",
        PeerRejectReason.NotSpiffe => "not_spiffe",
        PeerRejectReason.WrongTrustDomain => "wrong_trust_domain",
        PeerRejectReason.IdentityNotAllowed => "identity_not_allowed",
        _ => "unknown",
    };

    /// <summary>True for reasons about who the peer is rather than whether its certificate is sound.</summary>
    public static bool IsIdentityReason(this PeerRejectReason reason) =>
        reason is PeerRejectReason.WrongTrustDomain or PeerRejectReason.IdentityNotAllowed;
}
