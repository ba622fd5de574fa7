using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Relay.Tls.Certificates;
using Relay.Tls.Identity;

namespace Relay.Tls.MeshTls;

/// <summary>
/// Decides whether a peer's certificate proves a mesh identity we accept. The platform's own
/// verdict is ignored: it trusts the system store and checks host names, neither of which means
/// anything in the mesh. Steps, in order: a certificate is present; it is inside its validity
/// window; it is not a CA; its EKU fits the peer's role; it chains to our bundle alone; it has
/// exactly one SPIFFE ID; that ID is in our trust domain; and the allow list admits it.
/// </summary>
public sealed class PeerCertificateValidator(TimeProvider time)
{
    public PeerCertificateValidator()
        : this(TimeProvider.System)
    {
    }

    /// <param name="certificate">The peer's leaf as SslStream hands it over (null when none was sent).</param>
    /// <param name="presentedChain">The platform chain; only its ExtraStore (the intermediates the peer sent) is used.</param>
    /// <param name="credentials">Our current material: its bundle is the trust anchor, its trust domain ours.</param>
    /// <param name="allow">Identities accepted; null accepts any identity that passes the other checks.</param>
    public PeerValidationResult Validate(
        X509Certificate? certificate,
        X509Chain? presentedChain,
        MeshCredentials credentials,
        PeerRole role,
        ImmutableArray<SpiffeIdPattern>? allow)
    {
        if (certificate is null)
        {
            return PeerValidationResult.Reject(PeerRejectReason.NoCertificate, "peer sent no certificate");
        }
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var now = time.GetUtcNow();
        var soundness = CheckLeaf(leaf, role, now) ?? CheckChain(leaf, presentedChain, credentials, now);
        return soundness ?? CheckIdentity(leaf, credentials.SpiffeId.TrustDomain, allow);
    }

    private static PeerValidationResult? CheckLeaf(X509Certificate2 leaf, PeerRole role, DateTimeOffset now)
    {
        if (now < CertificateFacts.NotBefore(leaf))
        {
            return PeerValidationResult.Reject(PeerRejectReason.NotYetValid, $"peer certificate not valid before {CertificateFacts.NotBefore(leaf):O}");
        }
        if (now > CertificateFacts.NotAfter(leaf))
        {
            return PeerValidationResult.Reject(PeerRejectReason.Expired, $"peer certificate expired at {CertificateFacts.NotAfter(leaf):O}");
        }
        if (CertificateFacts.IsCa(leaf))
        {
            return PeerValidationResult.Reject(PeerRejectReason.CaAsLeaf, "peer presented a CA certificate as its leaf");
        }
        var (oid, name) = role == PeerRole.Client
            ? (CertificateFacts.ClientAuthOid, "clientAuth")
            : (CertificateFacts.ServerAuthOid, "serverAuth");
        return CertificateFacts.HasEku(leaf, oid)
            ? null
            : PeerValidationResult.Reject(PeerRejectReason.WrongKeyUsage, $"peer certificate's extendedKeyUsage lacks {name}");
    }

    private static PeerValidationResult? CheckChain(X509Certificate2 leaf, X509Chain? presentedChain, MeshCredentials credentials, DateTimeOffset now)
    {
        IEnumerable<X509Certificate2> sent = presentedChain?.ChainPolicy.ExtraStore ?? [];
        using var chain = BundleChain.Create(credentials.TrustBundle, sent, now);
        return chain.Build(leaf)
            ? null
            : PeerValidationResult.Reject(PeerRejectReason.UntrustedChain, $"peer certificate does not chain to the trust bundle: {BundleChain.Describe(chain)}");
    }

    private static PeerValidationResult CheckIdentity(X509Certificate2 leaf, string trustDomain, ImmutableArray<SpiffeIdPattern>? allow)
    {
        var extraction = SpiffeIdExtractor.Extract(leaf);
        if (!extraction.Succeeded)
        {
            var reason = extraction.Error switch
            {
                SpiffeIdExtractionError.NoUriSan => PeerRejectReason.NoUriSan,
                SpiffeIdExtractionError.MultipleUriSans => PeerRejectReason.MultipleUriSans,
                _ => PeerRejectReason.NotSpiffe,
            };
            return PeerValidationResult.Reject(reason, extraction.Message!);
        }
        var id = extraction.Id!;
        if (!string.Equals(id.TrustDomain, trustDomain, StringComparison.Ordinal))
        {
            return PeerValidationResult.Reject(PeerRejectReason.WrongTrustDomain, $"peer {id} is not in trust domain '{trustDomain}'");
        }
        var decision = AuthorizationPolicy.Decide(allow, id);
        return decision.Allowed
            ? PeerValidationResult.Accept(id)
            : PeerValidationResult.Reject(PeerRejectReason.IdentityNotAllowed, decision.Reason!);
    }
}
