using Relay.Tls.Certificates;

namespace Relay.Bench.Micro;

/// <summary>
/// A throw-away mesh CA and two leaf credentials made with the same code as <c>relay ca init/issue</c>,
/// in a temp directory deleted on dispose.
/// </summary>
internal sealed class BenchPki : IDisposable
{
    public const string TrustDomain = "bench.local";
    public const string ClientId = "spiffe://bench.local/relay-a";
    public const string ServerId = "spiffe://bench.local/relay-b";

    // The benchmark lives minutes; a day is the shortest lifetime relay ca accepts.
    private const int Days = 1;

    private readonly string _dir = Directory.CreateTempSubdirectory("relay-bench-pki-").FullName;

    public BenchPki()
    {
        Check(CertificateAuthority.InitRoot(TrustDomain, Path.Combine(_dir, "ca"), Days));
        Client = Issue(ClientId, "a");
        Server = Issue(ServerId, "b");
    }

    public MeshCredentials Client { get; }

    public MeshCredentials Server { get; }

    private MeshCredentials Issue(string id, string name)
    {
        var dir = Path.Combine(_dir, name);
        Check(CertificateAuthority.IssueLeaf(Path.Combine(_dir, "ca"), id, Days, dir));
        var loaded = CredentialLoader.Load(
            Path.Combine(dir, CertificateAuthority.LeafCertFile), Path.Combine(dir, CertificateAuthority.LeafKeyFile),
            Path.Combine(dir, CertificateAuthority.BundleFile), TrustDomain);
        return loaded.Credentials ?? throw new InvalidOperationException(string.Join("; ", loaded.Errors));
    }

    private static void Check(CaFileResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Error);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
