using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Relay.Core.Config;
using Relay.Core.Observability;
using Relay.Core.Runtime;

namespace Relay.Bench.Micro;

/// <summary>
/// What tracing costs a request on the L7 path (issue 14): one in-process Relay forwarding HTTP/1.1
/// keep-alive requests (1 KiB responses, 16 connections, 64 in flight) to a local app, with no
/// tracing section (the baseline), and with tracing at sampling ratio 0, 0.01 and 1 exporting over
/// OTLP/HTTP to a receiver on loopback that reads and discards each export. Requests carry no
/// trace context, so the ratio decides. The four Relays run side by side in one process and one
/// run, so the Ratio column against <see cref="TracingOff"/> is the figure, not the absolute times.
/// </summary>
[MemoryDiagnoser]
public class TracingBenchmarks
{
    private const int InFlight = 64;

    /// <summary>Four waves of 64 per invocation: a ShortRun iteration of one wave was ~50 ms, below BenchmarkDotNet's 100 ms floor.</summary>
    private const int Waves = 4;

    public const int RequestsPerInvoke = InFlight * Waves;

    /// <summary>The four Relays, one per setting, all up for the whole run: no tracing section, then ratios 0, 0.01, 1.</summary>
    private static readonly string[] Settings = ["off", "0", "0.01", "1"];

    private readonly List<RelayRuntime> _relays = [];
    private readonly List<HttpClient> _clients = [];
    private WebApplication _app = null!;
    private WebApplication _collector = null!;
    private RelayMetrics _metrics = null!;

    [GlobalSetup]
    public void Setup()
    {
        _app = Kestrel(app => app.MapGet("/hello", () => Results.Text(new string('x', 1024))));
        _collector = Kestrel(app => app.MapPost("/v1/traces", async (HttpContext c) =>
        {
            await c.Request.Body.CopyToAsync(Stream.Null);
            c.Response.ContentType = "application/x-protobuf";
        }));
        _metrics = new RelayMetrics();
        foreach (var sampling in Settings)
        {
            var listen = FreePort();
            _relays.Add(StartRelay(sampling, listen));
            _clients.Add(new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = new Uri($"http://127.0.0.1:{listen}") });
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = InFlight * Waves)]
    public Task TracingOff() => LoadAsync(_clients[0]);

    [Benchmark(OperationsPerInvoke = InFlight * Waves)]
    public Task Sampling0() => LoadAsync(_clients[1]);

    [Benchmark(OperationsPerInvoke = InFlight * Waves)]
    public Task Sampling1Percent() => LoadAsync(_clients[2]);

    [Benchmark(OperationsPerInvoke = InFlight * Waves)]
    public Task Sampling100Percent() => LoadAsync(_clients[3]);

    private static async Task LoadAsync(HttpClient client)
    {
        var requests = new Task<string>[InFlight];
        for (var wave = 0; wave < Waves; wave++)
        {
            for (var i = 0; i < InFlight; i++)
            {
                requests[i] = client.GetStringAsync("/hello");
            }
            await Task.WhenAll(requests);
        }
    }

    private RelayRuntime StartRelay(string sampling, int listen)
    {
        var tracing = sampling == "off" ? "" : $"tracing: {{ otlp_endpoint: \"{_collector.Urls.First()}/v1/traces\", sampling_ratio: {sampling} }}\n";
        var yaml = $$"""
            mesh: { trust_domain: bench.test }
            capture: { outbound_port: {{FreePort()}}, inbound_port: {{FreePort()}}, ipv6: false }
            admin: { address: "127.0.0.1:{{FreePort()}}" }
            services:
              app: { port: 80, endpoints: ["{{new Uri(_app.Urls.First()).Authority}}"], mesh_tls: false, protocol: http }
            listeners:
              - { address: "127.0.0.1:{{listen}}", direction: outbound, service: app }
            {{tracing}}
            """;
        var loaded = ConfigLoader.LoadText(yaml, "bench.yaml");
        if (!loaded.IsValid)
        {
            throw new InvalidOperationException(string.Join("\n", loaded.Errors));
        }
        var (relay, errors) = RelayRuntime.Create(loaded.Snapshot!, _metrics, NullLoggerFactory.Instance);
        if (relay is null)
        {
            throw new InvalidOperationException(string.Join("; ", errors));
        }
        relay.StartAsync().GetAwaiter().GetResult();
        return relay;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _clients.ForEach(c => c.Dispose());
        _relays.ForEach(r => r.DisposeAsync().AsTask().GetAwaiter().GetResult());
        _metrics.Dispose();
        foreach (var app in new[] { _app, _collector })
        {
            app.StopAsync().GetAwaiter().GetResult();
            ((IAsyncDisposable)app).DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static WebApplication Kestrel(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        map(app);
        app.StartAsync().GetAwaiter().GetResult();
        return app;
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
