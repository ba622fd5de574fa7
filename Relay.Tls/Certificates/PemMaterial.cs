using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Relay.Tls.Certificates;

/// <summary>Reads PEM files into certificates and keys, turning every I/O or format failure into an error string.</summary>
internal static class PemMaterial
{
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string RsaPublicKeyOid = "1.2.840.113549.1.1.1";

    public static X509Certificate2Collection? ReadCertificates(string path, string what, List<string> errors)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            errors.Add($"{what} '{path}': {e.Message}");
            return null;
        }
        if (collection.Count == 0)
        {
            errors.Add($"{what} '{path}' contains no PEM 'CERTIFICATE' block");
            return null;
        }
        return collection;
    }

    /// <summary>
    /// Attaches the private key in <paramref name="keyPath"/> to <paramref name="leaf"/>. ECDSA and RSA
    /// keys in PKCS#8 ("PRIVATE KEY"), SEC1 ("EC PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY") form.
    /// </summary>
    public static X509Certificate2? AttachKey(X509Certificate2 leaf, string keyPath, List<string> errors)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(keyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"private key '{keyPath}': {e.Message}");
            return null;
        }
        try
        {
            using var withKey = CopyWithKey(leaf, pem);
            // Round-trip through PKCS#12: a key imported from PEM is ephemeral, which some SslStream
            // server back ends refuse; the PKCS#12 load gives a key every platform can use.
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            errors.Add($"private key '{keyPath}' does not fit certificate '{leaf.Subject}': {e.Message}");
            return null;
        }
    }

    private static X509Certificate2 CopyWithKey(X509Certificate2 leaf, string pem)
    {
        switch (leaf.PublicKey.Oid.Value)
        {
            case EcPublicKeyOid:
                using (var ecdsa = ECDsa.Create())
                {
                    ecdsa.ImportFromPem(pem);
                    return leaf.CopyWithPrivateKey(ecdsa);
                }
            case RsaPublicKeyOid:
                using (var rsa = RSA.Create())
                {
                    rsa.ImportFromPem(pem);
                    return leaf.CopyWithPrivateKey(rsa);
                }
            default:
                throw new CryptographicException($"unsupported public key algorithm {leaf.PublicKey.Oid.Value} (ECDSA or RSA required)");
        }
    }
}
