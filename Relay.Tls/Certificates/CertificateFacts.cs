using System.Security.Cryptography.X509Certificates;

namespace Relay.Tls.Certificates;

/// <summary>Small questions asked of a certificate's extensions, shared by the loader and the peer validator.</summary>
internal static class CertificateFacts
{
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>True when basicConstraints says CA or keyUsage allows signing certificates.</summary>
    public static bool IsCa(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509BasicConstraintsExtension { CertificateAuthority: true })
            {
                return true;
            }
            if (extension is X509KeyUsageExtension usage && usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// True when the certificate has an extendedKeyUsage extension listing <paramref name="oid"/>.
    /// An absent EKU is treated as not allowed: X509-SVIDs carry one, and requiring it keeps a
    /// general-purpose certificate from the same CA out of the mesh.
    /// </summary>
    public static bool HasEku(X509Certificate2 certificate, string oid)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509EnhancedKeyUsageExtension eku)
            {
                foreach (var usage in eku.EnhancedKeyUsages)
                {
                    if (usage.Value == oid)
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    public static DateTimeOffset NotBefore(X509Certificate2 certificate) =>
        new(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);

    public static DateTimeOffset NotAfter(X509Certificate2 certificate) =>
        new(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
}
