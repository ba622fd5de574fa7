using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Prometheus;
using Relay.Core.Observability;
using Relay.Core.Vocabulary;

namespace Relay.Bench.Micro;

/// <summary>
/// The exporter decision (issue 14): Relay's hand-written Prometheus exporter against OpenTelemetry's
/// Prometheus exporter (ASP.NET Core endpoint) and prometheus-net's MeterAdapter, each the only
/// listener on the same <see cref="RelayMetrics"/>. Two costs matter: what each measurement costs on
/// the data path (<see cref="RecordConnection"/>: the instruments one closed connection touches) and
/// what a scrape costs over HTTP on loopback, served by Kestrel in all three cases.
/// </summary>
[MemoryDiagnoser]
public class ExporterBenchmarks
{
    private const string MeterName = "Relay";

    private static readonly string[] Services = [.. Enumerable.Range(0, 20).Select(i => $"svc-{i:D2}")];

    private RelayMetrics _metrics = null!;
    private IDisposable? _listener;
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private long _counter;
    private readonly byte[] _body = new byte[64 * 1024];

    [Params("hand-written", "opentelemetry", "prometheus-net")]
    public string Exporter { get; set; } = "hand-written";

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        if (Exporter == "opentelemetry")
        {
            // No response cache: every GET renders, as the other two do.
            builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(MeterName)
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        }
        _app = builder.Build();
        _metrics = new RelayMetrics();
        switch (Exporter)
        {
            case "hand-written":
                var exporter = new PrometheusExporter(_metrics.Meter);
                _listener = exporter;
                // As Admin/AdminRoutes serves it: UTF-8 from a pooled buffer, Content-Length set.
                _app.MapGet("/metrics", async context =>
                {
                    using var body = exporter.ScrapeUtf8();
                    context.Response.ContentType = PrometheusText.ContentType;
                    context.Response.ContentLength = body.Length;
                    await context.Response.Body.WriteAsync(body.Memory);
                });
                break;
            case "opentelemetry":
                _app.MapPrometheusScrapingEndpoint();
                break;
            default:
                // Its own registry: none of prometheus-net's default process metrics, only Relay's meter.
                var registry = Metrics.NewCustomRegistry();
                _listener = MeterAdapter.StartListening(new MeterAdapterOptions
                {
                    Registry = registry,
                    InstrumentFilterPredicate = i => ReferenceEquals(i.Meter, _metrics.Meter),
                });
                _app.MapMetrics(registry: registry);
                break;
        }
        _app.StartAsync().GetAwaiter().GetResult();
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
        Populate();
    }

    /// <summary>What one proxied connection records: open, upstream connect, close with bytes and duration.</summary>
    [Benchmark]
    public void RecordConnection()
    {
        var i = _counter++;
        _metrics.ConnectionOpened(Direction.Outbound);
        _metrics.UpstreamConnect(Services[i % Services.Length], TimeSpan.FromMilliseconds(0.3), succeeded: true);
        _metrics.ConnectionClosed(Direction.Outbound, CloseReason.Completed, 1024, 4096, TimeSpan.FromMilliseconds(12));
    }

    /// <summary>
    /// One GET /metrics, the body read into a kept buffer: the client's own copy of the text is not
    /// counted, so the allocations are the exporter's and its server's.
    /// </summary>
    [Benchmark]
    public async Task<int> Scrape()
    {
        using var response = await _client.GetAsync("/metrics", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        int read, total = 0;
        while ((read = await body.ReadAsync(_body)) > 0)
        {
            total += read;
        }
        return total;
    }


    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _app.StopAsync().GetAwaiter().GetResult();
        ((IAsyncDisposable)_app).DisposeAsync().AsTask().GetAwaiter().GetResult();
        _listener?.Dispose();
        _metrics.Dispose();
    }

    /// <summary>Every series today's Relay can have on a host with 20 services: both directions, every close reason.</summary>
    private void Populate()
    {
        foreach (var direction in new[] { Direction.Outbound, Direction.Inbound })
        {
            foreach (var reason in Enum.GetValues<CloseReason>())
            {
                _metrics.ConnectionOpened(direction);
                _metrics.ConnectionClosed(direction, reason, 100, 200, TimeSpan.FromMilliseconds(5));
            }
        }
        foreach (var service in Services)
        {
            _metrics.UpstreamConnect(service, TimeSpan.FromMilliseconds(1), succeeded: false);
            _metrics.UpstreamConnect(service, TimeSpan.FromMilliseconds(1), succeeded: true);
        }
        _metrics.ConfigLoaded("0123456789ab");
    }
}
