using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Relay.Core.Config;

namespace Relay.Core.Tracing;

/// <summary>
/// One generation of tracing (one <see cref="TracingSnapshot"/>): its <see cref="ActivitySource"/>
/// and the OpenTelemetry SDK tracer provider that samples it (parent-based, then the configured
/// ratio for new traces) and exports it over OTLP through a batch processor. That processor's
/// queue is bounded and drops when full, and exports run on its own thread, so a slow or dead
/// collector costs spans, never request time. A reload that changes tracing builds a new
/// generation (<see cref="TracingState"/>); this one lives on until the requests that began
/// under it have ended (<see cref="Enter"/> / <see cref="Exit"/>), then flushes and stops.
/// </summary>
internal sealed class RelayTracing : IDisposable
{
    private readonly TracerProvider _provider;
    private readonly GenerationSampler _sampler;
    private int _inFlight;
    private int _retired;
    private int _disposed;

    public RelayTracing(TracingSnapshot snapshot, string sourceName)
    {
        Source = new ActivitySource(sourceName, typeof(RelayTracing).Assembly.GetName().Version?.ToString());
        Snapshot = snapshot;
        _sampler = new GenerationSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(snapshot.SamplingRatio)));
        Processor = new GenerationProcessor(Source, Exporter(snapshot), snapshot);
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(sourceName)
            .SetSampler(_sampler)
            .ConfigureResource(r => r.Clear().AddService(snapshot.ServiceName, serviceInstanceId: Environment.MachineName))
            .AddProcessor(Processor)
            .Build();
    }

    public ActivitySource Source { get; }

    public TracingSnapshot Snapshot { get; }

    /// <summary>The bounded export queue: its dropped and received counts feed relay_trace_spans_*.</summary>
    public GenerationProcessor Processor { get; }

    /// <summary>Sends what is queued (bounded by the export timeout), e.g. before a test reads the collector.</summary>
    public bool Flush() => _provider.ForceFlush((int)Snapshot.ExportTimeout.TotalMilliseconds);

    /// <summary>A request began under this generation: it is kept until <see cref="Exit"/>.</summary>
    public void Enter() => Interlocked.Increment(ref _inFlight);

    /// <summary>A request that began under this generation ended; the last one out of a retired generation stops it.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _retired) == 1)
        {
            StopInBackground();
        }
    }

    /// <summary>
    /// A newer generation took over: from now on this one samples nothing new (its in-flight
    /// requests' spans follow their parents) and stops once its last request has ended.
    /// </summary>
    public void Retire()
    {
        _sampler.Retire();
        Volatile.Write(ref _retired, 1);
        if (Volatile.Read(ref _inFlight) == 0)
        {
            StopInBackground();
        }
    }

    /// <summary>Raised once, after the provider has flushed and stopped (the final counts are then fixed).</summary>
    public event Action<RelayTracing>? Stopped;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        // Shutdown flushes the queue once, bounded by the export timeout: a dead collector delays
        // stopping by at most that, and drops the rest.
        _provider.Dispose();
        Source.Dispose();
        Stopped?.Invoke(this);
    }

    // The flush may wait for export_timeout on a dead collector: never on a request's or a reload's thread.
    private void StopInBackground() => _ = Task.Run(Dispose);

    private static OtlpTraceExporter Exporter(TracingSnapshot snapshot) => new(new OtlpExporterOptions
    {
        Endpoint = snapshot.OtlpEndpoint,
        Protocol = snapshot.Protocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf,
        TimeoutMilliseconds = (int)snapshot.ExportTimeout.TotalMilliseconds,
    });
}
