using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Relay.Core.Admin;
using Relay.Core.Config;
using Relay.Core.Lifecycle;
using Relay.Core.Mtls;
using Relay.Core.Net;
using Relay.Core.Observability;
using Relay.Core.Runtime;
using Relay.Tests.Runtime;
using Relay.Tests.Support;
using Relay.Tls.Certificates;

namespace Relay.Tests.Lifecycle;

/// <summary>
/// Host "b" as the daemon runs it, in process: a RelayRuntime with its admin server, driven by a real
/// ConfigLifecycle over a mesh.yaml in a temp dir (no file watcher, capture rules off). It serves
/// inbound port <see cref="Port"/> through an explicit inbound listener (<see cref="Listener"/>) and
/// forwards to a loopback echo app; callers are <see cref="LoopbackMeshClient"/>. Certificates come
/// from `relay ca` (CertificateAuthority): leaf directories "b" and "b2" (two leaves for
/// spiffe://mesh.test/b), "a" (a caller) and "other" (spiffe://mesh.test/other).
/// </summary>
internal sealed class TlsReloadFixture : IAsyncDisposable
{
    public const string Identity = "spiffe://mesh.test/b";

    private readonly DirectoryInfo _dir = System.IO.Directory.CreateTempSubdirectory("relay-tls-lifecycle-");
    private readonly CapturingLoggerProvider _log = new();
    private readonly RelayMetrics _metrics = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private RelayRuntime? _runtime;

    public TlsReloadFixture()
    {
        var ca = Path.Combine(_dir.FullName, "ca");
        Assert.True(CertificateAuthority.InitRoot("mesh.test", ca, 2).Succeeded);
        foreach (var (name, id) in new[] { ("b", Identity), ("b2", Identity), ("a", "spiffe://mesh.test/a"), ("other", "spiffe://mesh.test/other") })
        {
            Assert.True(CertificateAuthority.IssueLeaf(ca, id, 1, Path.Combine(_dir.FullName, name)).Succeeded);
        }
        Exporter = new PrometheusExporter(_metrics.Meter);
        ConfigPath = Path.Combine(_dir.FullName, "mesh.yaml");
        var ports = FreePorts.Distinct(8);
        (Listener, Port, OutboundPort, CapturePort, AdminPort) = (ports[0], ports[1], ports[2], ports[3], ports[4]);
        Spare = ports[5..];
    }

    public LoopbackEchoServer App { get; } = new();
    public int Listener { get; }
    public int Port { get; }
    public int OutboundPort { get; }
    public int CapturePort { get; }
    public int AdminPort { get; set; }

    /// <summary>Three more ports distinct from the ones above, for a test's own listeners.</summary>
    public int[] Spare { get; }
    public string ConfigPath { get; }
    public PrometheusExporter Exporter { get; }
    public CapturingLoggerProvider Log => _log;
    public RelayRuntime Runtime => _runtime!;
    public ConfigLifecycle Lifecycle { get; private set; } = null!;

    public string Dir(string name) => Path.Combine(_dir.FullName, name);

    /// <summary>SHA-256 of the leaf in a leaf directory, as the server's presented certificate is compared.</summary>
    public string Thumbprint(string name) =>
        X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Dir(name), "cert.pem"))).GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);

    /// <param name="tls">A leaf directory for the tls section, or null for none.</param>
    /// <param name="mtls">The port's mtls key (null: the default for the tls setting).</param>
    /// <param name="key">Overrides the key path (e.g. an unreadable one).</param>
    public string Yaml(string? tls, string? mtls = null, string identity = Identity, string? key = null, string trustDomain = "mesh.test", string? extra = null, string? listener = null)
    {
        var tlsLine = tls is null ? "" : $"tls: {{ cert: \"{Dir(tls)}/cert.pem\", key: \"{key ?? Dir(tls) + "/key.pem"}\", trust_bundle: \"{Dir(tls)}/bundle.pem\" }}\n";
        var mode = mtls is null ? "" : $", mtls: {mtls}";
        return $$"""
            mesh: { trust_domain: {{trustDomain}}, identity: "{{identity}}" }
            {{tlsLine}}admin: { address: "127.0.0.1:{{AdminPort}}" }
            capture: { outbound_port: {{OutboundPort}}, inbound_port: {{CapturePort}}, ipv6: false }
            inbound: [{ port: {{Port}}, forward_to: "127.0.0.1:{{App.EndPoint.Port}}"{{mode}} }]
            listeners:
              - { address: "127.0.0.1:{{Listener}}", direction: inbound, inbound_port: {{Port}} }

            """ + (listener is null ? "" : $"  - {listener}\n") + (extra ?? "");
    }

    /// <summary>Starts like DaemonHost: runtime (TLS validated), listeners, admin, lifecycle.</summary>
    public async Task StartAsync(string yaml)
    {
        await File.WriteAllTextAsync(ConfigPath, yaml);
        var loaded = ConfigLoader.LoadFile(ConfigPath);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        var (runtime, errors) = RelayRuntime.Create(loaded.Snapshot!, _metrics, _log.CreateFactory());
        Assert.True(runtime is not null, string.Join("\n", errors));
        _runtime = runtime;
        await runtime.StartAsync();
        await runtime.StartAdminAsync(new AdminEndpoints(
            () => runtime.IsReady, Exporter, () => runtime.ConfigView, runtime.ClustersView,
            () => runtime.Tls is { } tls ? CertificatesView.Of(tls.Store.Current) : null));
        Lifecycle = new ConfigLifecycle(ConfigPath, runtime, new ReloadOptions { StateDirectory = Dir("state") }, CaptureFollower.Disabled(),
            new RecordingNotifier(), _log.CreateLogger("test"));
        Lifecycle.Start(watch: false);
    }

    /// <summary>Writes <paramref name="yaml"/> and reloads as SIGHUP does.</summary>
    public async Task<ReloadReport> ReloadAsync(string yaml)
    {
        await File.WriteAllTextAsync(ConfigPath, yaml);
        return await Lifecycle.ReloadAsync("SIGHUP");
    }

    public Task<MeshExchange> MtlsAsync(string payload, string client = "a") =>
        LoopbackMeshClient.ExchangeAsync(Listener, Dir(client), System.Text.Encoding.ASCII.GetBytes(payload));

    public async Task<string> PlaintextAsync(string payload) =>
        System.Text.Encoding.ASCII.GetString(await LoopbackMeshClient.PlaintextAsync(Listener, System.Text.Encoding.ASCII.GetBytes(payload)));

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path, int? port = null)
    {
        using var response = await _http.GetAsync($"http://127.0.0.1:{port ?? AdminPort}{path}");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Lifecycle?.Dispose();
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }
        _http.Dispose();
        App.Dispose();
        Exporter.Dispose();
        _metrics.Dispose();
        _log.Dispose();
        _dir.Delete(recursive: true);
    }
}
