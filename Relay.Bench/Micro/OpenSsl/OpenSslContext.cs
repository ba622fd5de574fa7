using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Relay.Tls.Certificates;

namespace Relay.Bench.Micro.OpenSsl;

/// <summary>
/// An SSL_CTX holding the same mesh credentials SslStream gets: the leaf and its key, any
/// intermediates, and the trust bundle as the only roots, with a peer certificate required and
/// verified by OpenSSL against that bundle, TLS 1.3 only.
/// </summary>
internal sealed class OpenSslContext : IDisposable
{
    public OpenSslContext(MeshCredentials credentials)
    {
        Handle = LibSsl.SSL_CTX_new(LibSsl.TLS_method());
        if (Handle == 0)
        {
            throw new InvalidOperationException("SSL_CTX_new failed");
        }
        LibSsl.RequireTls13(Handle);
        UseCertificate(credentials);
        var store = LibSsl.SSL_CTX_get_cert_store(Handle);
        foreach (var root in credentials.TrustBundle)
        {
            var x509 = LibSsl.ParseCertificate(root.RawData);
            LibSsl.X509_STORE_add_cert(store, x509);
            LibSsl.X509_free(x509);
        }
        LibSsl.RequirePeerCertificate(Handle);
    }

    public nint Handle { get; }

    private void UseCertificate(MeshCredentials credentials)
    {
        var leaf = LibSsl.ParseCertificate(credentials.Leaf.RawData);
        LibSsl.SSL_CTX_use_certificate(Handle, leaf);
        LibSsl.X509_free(leaf);
        foreach (var intermediate in credentials.Intermediates)
        {
            var x509 = LibSsl.ParseCertificate(intermediate.RawData);
            LibSsl.AddChainCertificate(Handle, x509);
            LibSsl.X509_free(x509);
        }
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)credentials.Leaf.GetECDsaPrivateKey() ?? credentials.Leaf.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("the leaf has no EC or RSA private key");
        var pkey = LibSsl.ParsePrivateKey(key.ExportPkcs8PrivateKey());
        LibSsl.SSL_CTX_use_PrivateKey(Handle, pkey);
        LibSsl.EVP_PKEY_free(pkey);
        if (LibSsl.SSL_CTX_check_private_key(Handle) != 1)
        {
            throw new InvalidOperationException("the private key does not match the leaf");
        }
    }

    public void Dispose() => LibSsl.SSL_CTX_free(Handle);
}
