using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>The three paths of a mesh.yaml <c>tls</c> section.</summary>
internal sealed record TlsPaths(string Cert, string Key, string TrustBundle);

/// <summary>
/// A host's cert.pem, key.pem and bundle.pem in their own /tmp directory, owned by the relay user (key 0600,
/// the rest 0644) exactly as an operator would install them. Replacements are staged next to the files and
/// renamed into place one right after the other, the way `relay ca issue` and cert-manager style writers do,
/// so Relay's watcher sees whole files and one burst of changes.
/// </summary>
internal sealed class TlsFileSet : IDisposable
{
    private const string CertName = "cert.pem";
    private const string KeyName = "key.pem";
    private const string BundleName = "bundle.pem";

    private TlsFileSet(string directory) => Directory = directory;

    public string Directory { get; }

    public TlsPaths Paths => new(Path.Combine(Directory, CertName), Path.Combine(Directory, KeyName), Path.Combine(Directory, BundleName));

    /// <summary>Writes <paramref name="leaf"/> (with its key) and a bundle of <paramref name="roots"/>.</summary>
    public static async Task<TlsFileSet> CreateAsync(string label, X509Certificate2 leaf, params X509Certificate2[] roots)
    {
        // /tmp, not Path.GetTempPath(): TMPDIR may sit below /root, which the relay user cannot traverse.
        var dir = $"/tmp/relay-root-tls-{Environment.ProcessId}-{label}-{Random.Shared.Next(0x10000):x4}";
        System.IO.Directory.CreateDirectory(dir);
        var set = new TlsFileSet(dir);
        (await ProcessRunner.RunAsync("chmod", "755", dir)).EnsureSuccess();
        await set.ReplaceAsync(leaf, roots);
        return set;
    }

    /// <summary>Replaces all three files with a new leaf, its key and a bundle of <paramref name="roots"/>.</summary>
    public Task ReplaceAsync(X509Certificate2 leaf, params X509Certificate2[] roots) =>
        WriteAsync(leaf.ExportCertificatePem(), KeyPem(leaf), BundlePem(roots));

    /// <summary>Replaces only the bundle (step one of a CA rotation: publish old+new roots).</summary>
    public Task ReplaceBundleAsync(params X509Certificate2[] roots) => WriteAsync(null, null, BundlePem(roots));

    /// <summary>Replaces only key.pem with <paramref name="other"/>'s key: a set whose key does not match its cert.</summary>
    public Task ReplaceKeyAsync(X509Certificate2 other) => WriteAsync(null, KeyPem(other), null);

    public static string KeyPem(X509Certificate2 leaf)
    {
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)leaf.GetECDsaPrivateKey() ?? leaf.GetRSAPrivateKey()
            ?? throw new ArgumentException("certificate has no private key", nameof(leaf));
        return key.ExportPkcs8PrivateKeyPem();
    }

    private static string BundlePem(IEnumerable<X509Certificate2> roots) =>
        string.Concat(roots.Select(r => r.ExportCertificatePem() + "\n"));

    private async Task WriteAsync(string? certPem, string? keyPem, string? bundlePem)
    {
        var user = await RelayUser.EnsureAsync();
        var staged = new List<(string Temp, string Target, string Mode)>();
        void Stage(string? pem, string name, string mode)
        {
            if (pem is null)
            {
                return;
            }
            var temp = Path.Combine(Directory, $".{name}.{Guid.NewGuid():N}.tmp");
            File.WriteAllText(temp, pem);
            staged.Add((temp, Path.Combine(Directory, name), mode));
        }
        // Key before certificate, as `relay ca issue` writes them: a reader that sees the new cert finds its key.
        Stage(keyPem, KeyName, "600");
        Stage(certPem, CertName, "644");
        Stage(bundlePem, BundleName, "644");
        var owner = string.Create(CultureInfo.InvariantCulture, $"{user.Uid}:{user.Gid}");
        (await ProcessRunner.RunAsync("chown", [owner, .. staged.Select(s => s.Temp)])).EnsureSuccess();
        foreach (var group in staged.GroupBy(s => s.Mode))
        {
            (await ProcessRunner.RunAsync("chmod", [group.Key, .. group.Select(s => s.Temp)])).EnsureSuccess();
        }
        foreach (var (temp, target, _) in staged)
        {
            File.Move(temp, target, overwrite: true);
        }
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
