using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Relay.Tests.Support;

namespace Relay.Tests.Tracing;

/// <summary>
/// An OTLP/HTTP trace receiver on loopback (POST /v1/traces, protobuf), as a collector would
/// run it: keeps every span it is sent, and answers 200 with an empty ExportTraceServiceResponse.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<OtlpSpan> _spans = [];

    private OtlpReceiver(WebApplication app, int port)
    {
        _app = app;
        Endpoint = $"http://127.0.0.1:{port}/v1/traces";
    }

    /// <summary>The URL for mesh.yaml's tracing.otlp_endpoint.</summary>
    public string Endpoint { get; }

    public int Exports { get; private set; }

    public static async Task<OtlpReceiver> StartAsync()
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, port);
        app.MapPost("/v1/traces", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var spans = OtlpTraceDecoder.Decode(body.ToArray());
            lock (receiver._spans)
            {
                receiver._spans.AddRange(spans);
                receiver.Exports++;
            }
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        return receiver;
    }

    public List<OtlpSpan> Spans(string traceId)
    {
        lock (_spans)
        {
            return [.. _spans.Where(s => s.TraceId == traceId)];
        }
    }

    public int Count
    {
        get
        {
            lock (_spans)
            {
                return _spans.Count;
            }
        }
    }

    public async Task<List<OtlpSpan>> WaitForSpansAsync(string traceId, int count, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (Spans(traceId).Count < count)
        {
            Assert.True(DateTime.UtcNow < until, $"{Spans(traceId).Count} spans of trace {traceId} within {timeout}, expected {count}; {Count} in all");
            await Task.Delay(50);
        }
        return Spans(traceId);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
