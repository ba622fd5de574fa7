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
/// trace context, so the ratio decides. All in one process, so ratios against the baseline are the
/// figure, not the absolute times.
/// </summary>
[MemoryDiagnoser]
public class TracingBenchmarks
{
    private const int InFlight = 64;

    private WebApplication _app = null!;
    private WebApplication _collector = null!;
    private RelayRuntime _relay = null!;
    private RelayMetrics _metrics = null!;
    private HttpClient _client = null!;

    [Params("off", "0", "0.01", "1")]
    public string Sampling { get; set; } = "off";

    [GlobalSetup]
    public void Setup()
    {
        _app = Kestrel(app => app.MapGet("/hello", () => Results.Text(new string('x', 1024))));
        _collector = Kestrel(app => app.MapPost("/v1/traces", async (HttpContext c) =>
        {
            await c.Request.Body.CopyToAsync(Stream.Null);
            c.Response.ContentType = "application/x-protobuf";
        }));
        var listen = FreePort();
        var tracing = Sampling == "off" ? "" : $"tracing: {{ otlp_endpoint: \"{_collector.Urls.First()}/v1/traces\", sampling_ratio: {Sampling} }}\n";
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
        _metrics = new RelayMetrics();
        var (relay, errors) = RelayRuntime.Create(loaded.Snapshot!, _metrics, NullLoggerFactory.Instance);
        _relay = relay ?? throw new InvalidOperationException(string.Join("; ", errors));
        _relay.StartAsync().GetAwaiter().GetResult();
        _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = new Uri($"http://127.0.0.1:{listen}") };
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = InFlight)]
    public async Task Request()
    {
        var requests = new Task<string>[InFlight];
        for (var i = 0; i < InFlight; i++)
        {
            requests[i] = _client.GetStringAsync("/hello");
        }
        await Task.WhenAll(requests);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _relay.DisposeAsync().AsTask().GetAwaiter().GetResult();
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
