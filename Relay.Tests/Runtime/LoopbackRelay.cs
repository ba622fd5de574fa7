using System.Net;
using System.Net.Sockets;
using Relay.Core.Net;
using Relay.Core.Observability;
using Relay.Core.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Runtime;

/// <summary>
/// A RelayRuntime on loopback whose "original destination" is always the given upstream
/// (there is no NAT on loopback), with its access log captured.
/// </summary>
internal sealed class LoopbackRelay : IAsyncDisposable
{
    private LoopbackRelay(RelayRuntime runtime, CapturingLoggerProvider log, RelayMetrics metrics, PrometheusExporter exporter, int outboundPort, string header, int inboundPort = 0)
    {
        InboundPort = inboundPort;
        _header = header;
        Runtime = runtime;
        Log = log;
        Metrics = metrics;
        Exporter = exporter;
        OutboundPort = outboundPort;
    }

    private readonly string _header;

    public RelayRuntime Runtime { get; }

    /// <summary>The same mesh/capture/admin header (so the same ports) with other <paramref name="sections"/>, compiled for a reload.</summary>
    public Relay.Core.Config.ConfigSnapshot Reconfigure(string sections) => TestConfigs.Load(_header + sections);

    public CapturingLoggerProvider Log { get; }

    public RelayMetrics Metrics { get; }

    public PrometheusExporter Exporter { get; }

    public int OutboundPort { get; }

    /// <summary>The capture inbound listener's port (connections there are inbound).</summary>
    public int InboundPort { get; }

    public static Task<LoopbackRelay> StartAsync(IPEndPoint upstream, string limitsYaml) =>
        StartAsync($"limits: {limitsYaml}\n", new OriginalDestination(NetEndpoint.From(upstream)));

    /// <param name="sections">Extra top-level mesh.yaml sections (limits, services, listeners...).</param>
    /// <param name="destination">What every connection's original destination is; null = none can be read.</param>
    /// <param name="meshKeys">More keys for the mesh section, e.g. <c>, zone: a</c>.</param>
    public static async Task<LoopbackRelay> StartAsync(string sections, OriginalDestination? destination, string meshKeys = "")
    {
        var outbound = FreePorts.Next();
        var inbound = FreePorts.Next();
        var header = $$"""
            mesh: { trust_domain: mesh.test{{meshKeys}} }
            capture: { outbound_port: {{outbound}}, inbound_port: {{inbound}}, ipv6: false }
            admin: { address: "127.0.0.1:{{FreePorts.Next()}}" }

            """;
        var config = TestConfigs.Load(header + sections);
        var log = new CapturingLoggerProvider();
        var metrics = new RelayMetrics();
        var exporter = new PrometheusExporter(metrics.Meter);
        var (created, errors) = RelayRuntime.Create(config, metrics, log.CreateFactory(), (Socket _, out OriginalDestination d) =>
        {
            d = destination ?? default;
            return destination is not null;
        });
        var runtime = created ?? throw new InvalidOperationException(string.Join("; ", errors));
        await runtime.StartAsync();
        return new LoopbackRelay(runtime, log, metrics, exporter, outbound, header, inbound);
    }

    public async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, OutboundPort));
        return socket;
    }

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync();
        Exporter.Dispose();
        Metrics.Dispose();
        Log.Dispose();
    }
}
