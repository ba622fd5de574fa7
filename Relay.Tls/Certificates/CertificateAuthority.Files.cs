using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Relay.Tls.Identity;

namespace Relay.Tls.Certificates;

/// <summary>The file-based half of the CA: what <c>relay ca init</c> and <c>relay ca issue</c> do.</summary>
public static partial class CertificateAuthority
{
    public const string CaCertFile = "ca.pem";
    public const string CaKeyFile = "ca.key";
    public const string LeafCertFile = "cert.pem";
    public const string LeafKeyFile = "key.pem";
    public const string BundleFile = "bundle.pem";

    /// <summary>Creates <c>ca.pem</c> and <c>ca.key</c> (0600) in <paramref name="outDir"/>; refuses to overwrite a CA key.</summary>
    public static CaFileResult InitRoot(string trustDomain, string outDir, int days)
    {
        var tdError = SpiffeIdParser.ValidateTrustDomain(trustDomain);
        if (tdError is not null)
        {
            return CaFileResult.Failure($"--trust-domain '{trustDomain}': {tdError}");
        }
        if (days <= 0)
        {
            return CaFileResult.Failure($"--days must be positive (got {days})");
        }
        var keyPath = Path.Combine(outDir, CaKeyFile);
        if (File.Exists(keyPath))
        {
            return CaFileResult.Failure($"{keyPath} already exists; refusing to replace a CA key (move it away first)");
        }
        return WriteFiles(() =>
        {
            Directory.CreateDirectory(outDir);
            using var root = CreateRoot(trustDomain, DateTimeOffset.UtcNow, TimeSpan.FromDays(days));
            using var key = root.GetECDsaPrivateKey()!;
            var certPath = Path.Combine(outDir, CaCertFile);
            PemFileWriter.WriteSecret(keyPath, key.ExportPkcs8PrivateKeyPem());
            PemFileWriter.WritePublic(certPath, root.ExportCertificatePem());
            return [certPath, keyPath];
        });
    }

    /// <summary>Issues a leaf for <paramref name="spiffeId"/> from the CA in <paramref name="caDir"/>: cert.pem, key.pem (0600), bundle.pem.</summary>
    public static CaFileResult IssueLeaf(string caDir, string spiffeId, int days, string outDir)
    {
        if (!SpiffeId.TryParse(spiffeId, out var id, out var idError))
        {
            return CaFileResult.Failure($"--identity: {idError}");
        }
        if (days <= 0)
        {
            return CaFileResult.Failure($"--days must be positive (got {days})");
        }
        X509Certificate2 ca;
        try
        {
            ca = X509Certificate2.CreateFromPemFile(Path.Combine(caDir, CaCertFile), Path.Combine(caDir, CaKeyFile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            return CaFileResult.Failure($"cannot read the CA from '{caDir}' ({CaCertFile} + {CaKeyFile}): {e.Message}");
        }
        using (ca)
        {
            var caDomain = CaTrustDomain(ca);
            if (caDomain is not null && caDomain != id!.TrustDomain)
            {
                return CaFileResult.Failure($"--identity {id} is outside the CA's trust domain '{caDomain}'");
            }
            return WriteFiles(() => WriteLeaf(ca, id!, days, outDir));
        }
    }

    private static string[] WriteLeaf(X509Certificate2 ca, SpiffeId id, int days, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var options = LeafOptions.ForIdentity(id.ToString(), DateTimeOffset.UtcNow, TimeSpan.FromDays(days));
        using var leaf = Issue(ca, options);
        using var key = leaf.GetECDsaPrivateKey()!;
        var certPath = Path.Combine(outDir, LeafCertFile);
        var keyPath = Path.Combine(outDir, LeafKeyFile);
        var bundlePath = Path.Combine(outDir, BundleFile);
        // Key first: a watcher that sees the new cert must also find its key.
        PemFileWriter.WriteSecret(keyPath, key.ExportPkcs8PrivateKeyPem());
        PemFileWriter.WritePublic(certPath, leaf.ExportCertificatePem());
        PemFileWriter.WritePublic(bundlePath, ca.ExportCertificatePem());
        return [certPath, keyPath, bundlePath];
    }

    private static string? CaTrustDomain(X509Certificate2 ca)
    {
        var uris = SpiffeIdExtractor.ReadUriSans(ca, out _);
        const string scheme = "spiffe://";
        return uris.Count == 1 && uris[0].StartsWith(scheme, StringComparison.Ordinal)
            ? uris[0][scheme.Length..].TrimEnd('/')
            : null;
    }

    private static CaFileResult WriteFiles(Func<string[]> write)
    {
        try
        {
            return new CaFileResult(null, [.. write()]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CaFileResult.Failure(e.Message);
        }
    }
}
