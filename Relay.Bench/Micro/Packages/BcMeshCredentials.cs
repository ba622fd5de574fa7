using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Relay.Tls.Certificates;
using Relay.Tls.Identity;
using Relay.Tls.MeshTls;

namespace Relay.Bench.Micro.Packages;

/// <summary>
/// One host's mesh credentials (the same files SslStream uses, from BenchPki) in BouncyCastle's
/// TLS types: the leaf and intermediates as a TLS 1.3 Certificate message and the private key as
/// a BC key parameter. Peer certificates are checked by Relay's own
/// <see cref="PeerCertificateValidator"/> (validity, not a CA, EKU for the role, chain to the
/// bench CA bundle alone via X509Chain, one SPIFFE ID in the trust domain, allow list), the check
/// SslStream's callback runs, so both variants refuse exactly the same peers.
/// </summary>
internal sealed class BcMeshCredentials
{
    /// <summary>ecdsa_secp256r1_sha256 (RFC 8446 §4.2.3): what a P-256 leaf signs with in TLS 1.3.</summary>
    public static readonly SignatureAndHashAlgorithm EcdsaP256Sha256 =
        SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    public BcMeshCredentials(MeshCredentials mesh, BcTlsCrypto crypto, PeerCertificateValidator validator)
    {
        Mesh = mesh;
        Crypto = crypto;
        Validator = validator;
        var entries = new[] { mesh.Leaf }.Concat(mesh.Intermediates)
            .Select(c => new CertificateEntry(crypto.CreateCertificate(c.RawData), null))
            .ToArray();
        Certificate = new Certificate(TlsUtilities.EmptyBytes, entries);
        using var key = mesh.Leaf.GetECDsaPrivateKey() ?? throw new InvalidOperationException("bench leaf has no ECDSA key");
        PrivateKey = PrivateKeyFactory.CreateKey(key.ExportPkcs8PrivateKey());
    }

    public MeshCredentials Mesh { get; }

    public BcTlsCrypto Crypto { get; }

    public PeerCertificateValidator Validator { get; }

    public Certificate Certificate { get; }

    public AsymmetricKeyParameter PrivateKey { get; }

    public TlsCredentialedSigner Signer(TlsContext context) =>
        new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), Crypto, PrivateKey, Certificate, EcdsaP256Sha256);

    /// <summary>Relay's verdict on the peer's Certificate message (the caller aborts the handshake on a refusal: <see cref="Enforce"/>).</summary>
    public PeerValidationResult Check(Certificate? peer, PeerRole role, ImmutableArray<SpiffeIdPattern>? allow)
    {
        if (peer is null || peer.IsEmpty)
        {
            return PeerValidationResult.Reject(PeerRejectReason.NoCertificate, "peer sent no certificate");
        }
        using var leaf = X509CertificateLoader.LoadCertificate(peer.GetCertificateAt(0).GetEncoded());
        using var sent = new X509Chain();
        for (var i = 1; i < peer.Length; i++)
        {
            sent.ChainPolicy.ExtraStore.Add(X509CertificateLoader.LoadCertificate(peer.GetCertificateAt(i).GetEncoded()));
        }
        return Validator.Validate(leaf, sent, Mesh, role, allow);
    }

    /// <summary>A refused peer ends the handshake with a bad_certificate alert, as SslStream's callback returning false does.</summary>
    public static void Enforce(PeerValidationResult result)
    {
        if (!result.Accepted)
        {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, result.Detail);
        }
    }
}
