using Relay.Tls.Certificates;

namespace Relay.Bench.Load;

/// <summary>
/// A private directory for one run: the 1 MiB body, the peer configs from bench/peers with their
/// /tmp paths rewritten into it, certificates for HAProxy (certs.sh) and for the Relay pair
/// (the code behind <c>relay ca init/issue</c>), and the logs. Deleted unless a run fails.
/// </summary>
internal sealed class BenchWorkspace
{
    public const string TrustDomain = "bench.local";
    public const string RelayAId = "spiffe://bench.local/relay-a";
    public const string RelayBId = "spiffe://bench.local/relay-b";

    // The /big workload's body: large enough that transfer, not request handling, dominates.
    private const int BigBytes = 1 << 20;

    // Certificates only need to outlive one run; a day is relay ca's minimum.
    private const int CertDays = 1;

    private BenchWorkspace(string dir) => Dir = dir;

    public string Dir { get; }

    public string NginxConf => Path.Combine(Dir, "nginx-upstream.conf");

    public string HaproxyCfg => Path.Combine(Dir, "haproxy.cfg");

    /// <summary>The Relay targets' mesh.yaml files, in a directory no log is written to.</summary>
    public string ConfigDir => Path.Combine(Dir, "config");

    public string RelayCerts(string name) => Path.Combine(Dir, "relay-pki", name);

    public string Log(string name) => Path.Combine(Dir, $"{name}.log");

    public static async Task<BenchWorkspace> CreateAsync(bool withHaproxy, CancellationToken cancellationToken)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"relay-bench-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        // nginx and haproxy workers may drop privileges: the files they read must be world-readable.
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var workspace = new BenchWorkspace(dir);
        Directory.CreateDirectory(workspace.ConfigDir);
        await File.WriteAllBytesAsync(Path.Combine(dir, "big.bin"), RandomBytes(BigBytes), cancellationToken);
        await workspace.WritePeerConfigAsync("nginx-upstream.conf", cancellationToken);
        if (withHaproxy)
        {
            await workspace.WritePeerConfigAsync("haproxy.cfg", cancellationToken);
            await RunCertsShAsync(Path.Combine(dir, "peer-certs"), cancellationToken);
        }
        workspace.IssueRelayCertificates();
        return workspace;
    }

    /// <summary>The repository's copy with every /tmp path it uses redirected here.</summary>
    private async Task WritePeerConfigAsync(string name, CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(BenchPaths.Peers, name), cancellationToken);
        text = text.Replace("/tmp/peer-certs/", Path.Combine(Dir, "peer-certs") + "/", StringComparison.Ordinal)
            .Replace("/tmp/peer-big.bin", Path.Combine(Dir, "big.bin"), StringComparison.Ordinal)
            .Replace("/tmp/peer-nginx-up.pid", Path.Combine(Dir, "nginx.pid"), StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(Dir, name), text, cancellationToken);
    }

    private static async Task RunCertsShAsync(string outDir, CancellationToken cancellationToken)
    {
        // Four EC keys and certificates take well under a second; 30 s only catches a hang.
        var output = await BoundedProcess.RunAsync("bash", [Path.Combine(BenchPaths.Peers, "certs.sh"), outDir],
            TimeSpan.FromSeconds(30), "bench/peers/certs.sh", cancellationToken);
        if (output.ExitCode != 0)
        {
            throw new InvalidOperationException($"bench/peers/certs.sh failed: {output.Stderr}");
        }
    }

    private void IssueRelayCertificates()
    {
        var ca = RelayCerts("ca");
        Check(CertificateAuthority.InitRoot(TrustDomain, ca, CertDays));
        Check(CertificateAuthority.IssueLeaf(ca, RelayAId, CertDays, RelayCerts("a")));
        Check(CertificateAuthority.IssueLeaf(ca, RelayBId, CertDays, RelayCerts("b")));
    }

    private static void Check(CaFileResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"relay ca: {result.Error}");
        }
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    public void Delete() => Directory.Delete(Dir, recursive: true);
}
