using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Relay.Core.Config;

namespace Relay.Core.Tracing;

/// <summary>
/// Spans for the HTTP path: one <see cref="ActivitySource"/> and the OpenTelemetry SDK tracer
/// provider that samples (parent-based, then the configured ratio for new traces) and exports
/// over OTLP through the SDK's batch processor. That processor's queue is bounded and drops when
/// full, and exports run on its own thread, so a slow or dead collector costs spans, never
/// request time.
/// </summary>
internal sealed class RelayTracing : IDisposable
{
    /// <summary>The instrumentation scope name; a second live instance in one process (tests only) gets "Relay.2"...</summary>
    public const string SourceName = "Relay";

    private static readonly HashSet<string> NamesInUse = [];

    private readonly TracerProvider _provider;

    private RelayTracing(TracingSnapshot snapshot, string name)
    {
        Source = new ActivitySource(name, typeof(RelayTracing).Assembly.GetName().Version?.ToString());
        Snapshot = snapshot;
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(name)
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(snapshot.SamplingRatio)))
            .ConfigureResource(r => r.Clear().AddService(snapshot.ServiceName, serviceInstanceId: Environment.MachineName))
            .AddOtlpExporter(options =>
            {
                options.Endpoint = snapshot.OtlpEndpoint;
                options.Protocol = snapshot.Protocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                options.TimeoutMilliseconds = (int)snapshot.ExportTimeout.TotalMilliseconds;
                options.ExportProcessorType = ExportProcessorType.Batch;
                options.BatchExportProcessorOptions = new BatchExportActivityProcessorOptions
                {
                    MaxQueueSize = snapshot.MaxQueueSize,
                    MaxExportBatchSize = snapshot.MaxExportBatchSize,
                    ScheduledDelayMilliseconds = (int)snapshot.ScheduleDelay.TotalMilliseconds,
                    ExporterTimeoutMilliseconds = (int)snapshot.ExportTimeout.TotalMilliseconds,
                };
            })
            .Build();
    }

    public ActivitySource Source { get; }

    public TracingSnapshot Snapshot { get; }

    /// <summary>Tracing for <paramref name="snapshot"/>; null when the config has no tracing section.</summary>
    public static RelayTracing? Create(TracingSnapshot? snapshot) => snapshot is null ? null : new RelayTracing(snapshot, TakeName());

    /// <summary>Sends what is queued (bounded by the export timeout), e.g. before a test reads the collector.</summary>
    public bool Flush() => _provider.ForceFlush((int)Snapshot.ExportTimeout.TotalMilliseconds);

    public void Dispose()
    {
        // Shutdown flushes the queue once, bounded by the export timeout: a dead collector delays
        // stopping by at most that, and drops the rest.
        _provider.Dispose();
        Source.Dispose();
        lock (NamesInUse)
        {
            NamesInUse.Remove(Source.Name);
        }
    }

    private static string TakeName()
    {
        lock (NamesInUse)
        {
            var name = SourceName;
            for (var i = 2; !NamesInUse.Add(name); i++)
            {
                name = $"{SourceName}.{i}";
            }
            return name;
        }
    }
}
