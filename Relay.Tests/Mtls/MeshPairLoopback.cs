using System.Net;
using System.Net.Sockets;
using Relay.Core.Config;
using Relay.Core.Mtls;
using Relay.Core.Net;
using Relay.Core.Observability;
using Relay.Core.Runtime;
using Relay.Tests.Runtime;
using Relay.Tests.Support;
using Relay.Tls.Certificates;

namespace Relay.Tests.Mtls;

/// <summary>
/// Two RelayRuntimes on loopback joined by mesh mTLS: A's outbound "app" service points at B's
/// inbound listener; B forwards to a local echo server. Original destinations are injected
/// (no NAT on loopback); everything else — sockets, TLS, certificates — is real.
/// </summary>
internal sealed class MeshPairLoopback : IAsyncDisposable
{
    public const string TrustDomain = "mesh.test";
    private readonly List<IAsyncDisposable> _owned = new();

    public required RelayRuntime A { get; init; }
    public required RelayRuntime B { get; init; }
    public required CapturingLoggerProvider LogA { get; init; }
    public required CapturingLoggerProvider LogB { get; init; }
    public required PrometheusExporter MetricsB { get; init; }
    public required int OutboundPortA { get; init; }

    /// <summary>B's outbound listener: B's local apps (passthrough to the app's port).</summary>
    public required int OutboundPortB { get; init; }

    /// <summary>B's inbound listener, where A's mesh connections arrive.</summary>
    public required int InboundPortB { get; init; }
    public required string Directory { get; init; }

    /// <summary>A's mesh.yaml text, for tests that reload A with an edited copy.</summary>
    public required string YamlA { get; init; }

    /// <summary>B's mesh.yaml text.</summary>
    public required string YamlB { get; init; }

    /// <param name="serverIdentityExpected">What A's service lists as the server identity.</param>
    /// <param name="allowOnB">B's inbound allow list (YAML flow sequence) or null for no policy.</param>
    /// <param name="tap">When given, A reaches B through it (its Target is set to B's inbound listener).</param>
    /// <param name="routesOnB">B's inbound per-route authorization (YAML flow sequence) or null for none.</param>
    /// <param name="sectionsOnBoth">More top-level mesh.yaml sections for both hosts (e.g. <c>tracing: { ... }</c>), or empty.</param>
    /// <param name="serviceOnA">More keys for A's "app" service (e.g. <c>health_check: { ... }</c>), or empty.</param>
    public static async Task<MeshPairLoopback> StartAsync(
        IPEndPoint app, string serverIdentityExpected = "spiffe://mesh.test/b", string? allowOnB = null, string mtlsOnB = "strict", ClientHelloTap? tap = null,
        string protocolOnA = "tcp", string protocolOnB = "tcp", string limitsOnB = "", string sectionsOnBoth = "", string? routesOnB = null, string serviceOnA = "")
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("relay-mtls-pair-").FullName;
        Assert.True(CertificateAuthority.InitRoot(TrustDomain, Path.Combine(dir, "ca"), 2).Succeeded);
        Assert.True(CertificateAuthority.IssueLeaf(Path.Combine(dir, "ca"), "spiffe://mesh.test/a", 1, Path.Combine(dir, "a")).Succeeded);
        Assert.True(CertificateAuthority.IssueLeaf(Path.Combine(dir, "ca"), "spiffe://mesh.test/b", 1, Path.Combine(dir, "b")).Succeeded);
        var inboundB = FreePorts.Next();
        var outboundA = FreePorts.Next();
        var toB = inboundB;
        if (tap is not null)
        {
            tap.Target = new IPEndPoint(IPAddress.Loopback, inboundB);
            toB = tap.Port;
        }
        var both = sectionsOnBoth.Length == 0 ? "" : sectionsOnBoth + "\n";
        var (logA, a, _, yamlA) = await StartRelayAsync(dir, "a", outboundA, new NetEndpoint(IPAddress.Loopback, toB), both + $$"""
            services:
              app: { port: {{app.Port}}, endpoints: ["127.0.0.1:{{toB}}"], identities: [{{serverIdentityExpected}}], protocol: {{protocolOnA}}{{(serviceOnA.Length == 0 ? "" : ", " + serviceOnA)}} }
            """);
        var allow = (allowOnB is null ? "" : $", allow: {allowOnB}") + (routesOnB is null ? "" : $", routes: {routesOnB}");
        var outboundB = FreePorts.Next();
        var limits = limitsOnB.Length == 0 ? "" : $"limits: {limitsOnB}\n";
        var (logB, b, exporterB, yamlB) = await StartRelayAsync(dir, "b", outboundB, new NetEndpoint(IPAddress.Loopback, app.Port), both + limits + $$"""
            inbound:
              - { port: {{app.Port}}, forward_to: "127.0.0.1:{{app.Port}}", mtls: {{mtlsOnB}}{{allow}}, protocol: {{protocolOnB}} }
            """, inboundB);
        return new MeshPairLoopback { A = a, B = b, LogA = logA, LogB = logB, MetricsB = exporterB, OutboundPortA = outboundA, OutboundPortB = outboundB, InboundPortB = inboundB, Directory = dir, YamlA = yamlA, YamlB = yamlB };
    }

    public async Task<Socket> ConnectToAAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, OutboundPortA));
        return socket;
    }

    private static async Task<(CapturingLoggerProvider, RelayRuntime, PrometheusExporter, string)> StartRelayAsync(
        string dir, string name, int outboundPort, NetEndpoint destination, string sections, int? inboundPort = null)
    {
        var host = Path.Combine(dir, name);
        var yaml = $$"""
            mesh: { trust_domain: {{TrustDomain}}, identity: "spiffe://mesh.test/{{name}}" }
            tls: { cert: {{host}}/cert.pem, key: {{host}}/key.pem, trust_bundle: {{host}}/bundle.pem }
            capture: { outbound_port: {{outboundPort}}, inbound_port: {{inboundPort ?? FreePorts.Next()}}, ipv6: false }
            admin: { address: "127.0.0.1:{{FreePorts.Next()}}" }
            {{sections}}
            """;
        var config = TestConfigs.Load(yaml);
        var log = new CapturingLoggerProvider();
        var metrics = new RelayMetrics();
        var exporter = new PrometheusExporter(metrics.Meter);
        var loggers = log.CreateFactory();
        var fixedDestination = new OriginalDestination(destination);
        var (runtime, errors) = RelayRuntime.Create(config, metrics, loggers, (Socket _, out OriginalDestination d) =>
        {
            d = fixedDestination;
            return true;
        });
        Assert.True(runtime is not null, string.Join("; ", errors));
        await runtime.StartAsync();
        return (log, runtime, exporter, yaml);
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        MetricsB.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
