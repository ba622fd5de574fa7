using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Relay.Tls.Certificates;
using Relay.Tls.Identity;
using Relay.Tls.MeshTls;

namespace Relay.Tests.Tls;

[Trait("Tier", "Loopback")]
public sealed class CredentialStoreTests : IDisposable
{
    private const string VmA = "spiffe://corp.example/host/vm-a";
    private const string VmB = "spiffe://corp.example/host/vm-b";
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);
    private readonly TestPki pki = new();

    public void Dispose() => pki.Dispose();

    private CredentialStore OpenStore(TlsMetrics? metrics = null)
    {
        using var leaf = pki.Leaf(VmB);
        pki.Write(leaf);
        var (store, result) = CredentialStore.Open(pki.Paths, NullLogger.Instance, metrics);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        return store!;
    }

    [Fact]
    public void Open_InvalidFiles_ReturnsErrorsAndNoStore()
    {
        using var leaf = pki.Leaf("spiffe://other.example/x");
        pki.Write(leaf);
        var (store, result) = CredentialStore.Open(pki.Paths, NullLogger.Instance);
        Assert.Null(store);
        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public async Task Rotation_NewFiles_NewHandshakesPresentNewCertificate()
    {
        using var store = OpenStore();
        store.StartWatching(new CredentialStoreOptions { Debounce = TimeSpan.FromMilliseconds(50), PollInterval = TimeSpan.FromMilliseconds(200) });
        var before = store.Current;
        using var next = pki.Leaf(VmB);
        pki.Write(next);

        await WaitUntil(() => !ReferenceEquals(store.Current, before));

        Assert.Equal(next.Thumbprint, store.Current.Leaf.Thumbprint);
        using var loopback = new MeshTlsLoopback();
        var client = pki.Credentials(VmA);
        var (c, s, cs, ss) = await loopback.RunAsync(client, () => store.Current, [SpiffeId.Parse(VmB)], null);
        using (cs)
        using (ss)
        {
            Assert.True(c.Succeeded, c.Detail);
            Assert.Equal(next.Thumbprint, ss.LocalCertificate!.GetCertHashString());
            Assert.Equal(next.Thumbprint, cs.RemoteCertificate!.GetCertHashString());
        }
    }

    [Fact]
    public void Reload_InvalidReplacement_KeepsOldAndCountsInvalid()
    {
        using var meter = new Meter("Relay.Test." + Guid.NewGuid());
        using var metrics = new TlsMetrics(meter);
        var results = new List<string>();
        using var listener = ListenRotations(meter, results);
        using var store = OpenStore(metrics);
        var before = store.Current;
        using var expired = pki.Leaf(new LeafOptions([VmB], DateTimeOffset.UtcNow.AddHours(-2), DateTimeOffset.UtcNow.AddHours(-1)));
        pki.Write(expired);

        var result = store.Reload();

        Assert.NotNull(result);
        Assert.False(result.Succeeded);
        Assert.Same(before, store.Current);
        Assert.Equal(["invalid"], results);
    }

    [Fact]
    public void Reload_UnchangedFiles_DoesNothing()
    {
        using var store = OpenStore();
        var before = store.Current;
        Assert.Null(store.Reload());
        Assert.Same(before, store.Current);
    }

    [Fact]
    public async Task Rotation_SymlinkSwapIntoOtherDirectory_PickedUpByPoll()
    {
        // The "..data" pattern of Kubernetes secrets and spiffe-helper: the configured paths are
        // symlinks whose target directory is replaced in one rename.
        var linkDir = Path.Combine(pki.Directory, "live");
        Directory.CreateDirectory(linkDir);
        var v1 = WriteVersion("v1", pki.Leaf(VmB));
        var data = Path.Combine(pki.Directory, "data");
        File.CreateSymbolicLink(data, v1);
        foreach (var name in new[] { "cert.pem", "key.pem", "bundle.pem" })
        {
            File.CreateSymbolicLink(Path.Combine(linkDir, name), Path.Combine(data, name));
        }
        var paths = new CredentialPaths(Path.Combine(linkDir, "cert.pem"), Path.Combine(linkDir, "key.pem"), Path.Combine(linkDir, "bundle.pem"), TestPki.TrustDomain);
        var (store, result) = CredentialStore.Open(paths, NullLogger.Instance);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        using (store)
        {
            store!.StartWatching(new CredentialStoreOptions { Debounce = TimeSpan.FromMilliseconds(50), PollInterval = TimeSpan.FromMilliseconds(200) });
            var next = pki.Leaf(VmB);
            var nextThumbprint = next.Thumbprint;
            var v2 = WriteVersion("v2", next);
            var temp = Path.Combine(pki.Directory, "data.tmp");
            File.CreateSymbolicLink(temp, v2);
            // rename(2) swaps the link atomically; File.Move refuses a symlink that points at a directory.
            Assert.Equal(0, Rename(temp, data));

            await WaitUntil(() => store.Current.Leaf.Thumbprint == nextThumbprint);
        }
    }

    private string WriteVersion(string name, System.Security.Cryptography.X509Certificates.X509Certificate2 leaf)
    {
        var dir = Path.Combine(pki.Directory, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "cert.pem"), leaf.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "key.pem"), TestPki.Pkcs8(leaf));
        File.WriteAllText(Path.Combine(dir, "bundle.pem"), pki.Root.ExportCertificatePem());
        leaf.Dispose();
        return dir;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename(string from, string to);

    private static MeterListener ListenRotations(Meter meter, List<string> results)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == meter && instrument.Name == "relay_tls_rotations_total")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "result")
                {
                    results.Add((string)tag.Value!);
                }
            }
        });
        listener.Start();
        return listener;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within the wait limit");
            await Task.Delay(25);
        }
    }
}
