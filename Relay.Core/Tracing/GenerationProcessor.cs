using System.Diagnostics;
using System.Runtime.CompilerServices;
using OpenTelemetry;
using Relay.Core.Config;

namespace Relay.Core.Tracing;

/// <summary>
/// The SDK's batch processor (a bounded queue drained by its own thread: full means dropped,
/// never waited for) that takes only the spans of its own generation's <see cref="ActivitySource"/>,
/// and reports what it was offered and what the full queue dropped.
/// Old and new generations share the source name across a reload, so both providers hear every
/// span for the moment they overlap; without the filter those spans would be exported twice.
/// </summary>
internal sealed class GenerationProcessor(ActivitySource source, BaseExporter<Activity> exporter, TracingSnapshot snapshot)
    : BatchActivityExportProcessor(
        exporter,
        snapshot.MaxQueueSize,
        (int)snapshot.ScheduleDelay.TotalMilliseconds,
        (int)snapshot.ExportTimeout.TotalMilliseconds,
        snapshot.MaxExportBatchSize)
{
    private long _offered;

    /// <summary>Sampled spans of this generation that ended and were offered to the queue (dropped ones included).</summary>
    public long Offered => Interlocked.Read(ref _offered);

    /// <summary>Spans the full queue refused.</summary>
    public long Dropped => SdkCounts<Activity>.DroppedCount(this);

    public override void OnEnd(Activity data)
    {
        // The base skips spans not recorded (sampled out); so does the count.
        if (ReferenceEquals(data.Source, source) && data.Recorded)
        {
            Interlocked.Increment(ref _offered);
            base.OnEnd(data);
        }
    }
}

/// <summary>
/// The batch processor's own drop count. OpenTelemetry .NET 1.20 keeps it internal (it feeds only
/// the SDK's EventSource), so it is read with an <see cref="UnsafeAccessorAttribute"/>: checked at
/// compile time by nothing, at run time by TracingCollectorDownTests, and trimming/AOT safe.
/// Counting drops ourselves is not possible from outside: the enqueue result is not returned.
/// </summary>
internal static class SdkCounts<T>
    where T : class
{
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_DroppedCount")]
    public static extern long DroppedCount(BatchExportProcessor<T> processor);
}
