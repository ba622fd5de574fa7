using System.Diagnostics.Metrics;
using Relay.Core.Config;

namespace Relay.Core.Tracing;

/// <summary>
/// Tracing as the running config asks, across reloads. A reload that changes the <c>tracing</c>
/// section (ratio, endpoint, protocol, queue, service name, or the section added or removed)
/// builds a new generation and swaps it in with one exchange; requests already in flight finish
/// under the generation they began with (<see cref="TracingLease"/>), which then flushes and
/// stops. A new generation rather than a mutable one: a TracerProvider's sampler, resource and
/// processors are fixed once built (OpenTelemetry .NET has no way to swap them). Also the span-export counters
/// (relay_trace_spans_total, relay_trace_spans_dropped_total), summed over generations.
/// </summary>
internal sealed class TracingState : IDisposable
{
    /// <summary>The instrumentation scope name; a second live runtime in one process (tests only) gets "Relay.2"...</summary>
    public const string SourceName = "Relay";

    public const string SpansMetric = "relay_trace_spans_total";
    public const string DroppedMetric = "relay_trace_spans_dropped_total";

    private static readonly HashSet<string> NamesInUse = [];

    private readonly string _name = TakeName();
    private readonly object _gate = new();
    private readonly List<RelayTracing> _live = [];
    private long _stoppedSpans;
    private long _stoppedDropped;
    private volatile RelayTracing? _current;

    public TracingState(TracingSnapshot? initial, Meter meter)
    {
        meter.CreateObservableCounter(SpansMetric, () => Sum(p => p.Offered, _stoppedSpans), "{span}",
            "Sampled spans that ended and were offered to the OTLP export queue (including those dropped).");
        meter.CreateObservableCounter(DroppedMetric, () => Sum(p => p.Dropped, _stoppedDropped), "{span}",
            "Spans dropped because the export queue (tracing.max_queue_size) was full: the collector is slow or down.");
        Apply(initial);
    }

    /// <summary>The generation new requests start under; null while tracing is off.</summary>
    public RelayTracing? Current => _current;

    /// <summary>The generation for a request arriving now, held until the lease is disposed.</summary>
    public TracingLease Enter()
    {
        var tracing = _current;
        tracing?.Enter();
        return new TracingLease(tracing);
    }

    /// <summary>Swaps in tracing for <paramref name="next"/> (null: off); false when it equals what runs.</summary>
    public bool Apply(TracingSnapshot? next)
    {
        lock (_gate)
        {
            if (Equals(_current?.Snapshot, next))
            {
                return false;
            }
            RelayTracing? created = null;
            if (next is not null)
            {
                created = new RelayTracing(next, _name);
                created.Stopped += OnStopped;
                _live.Add(created);
            }
            var previous = Interlocked.Exchange(ref _current, created);
            previous?.Retire();
            return true;
        }
    }

    /// <summary>Sends what the current generation has queued (bounded by its export timeout).</summary>
    public bool Flush() => _current?.Flush() ?? true;

    /// <summary>Flushes and stops every generation, side by side: stopping waits for one export timeout, not one per generation.</summary>
    public void Dispose()
    {
        List<RelayTracing> live;
        lock (_gate)
        {
            _current = null;
            live = [.. _live];
        }
        Task.WaitAll([.. live.Select(t => Task.Run(t.Dispose))]);
        lock (NamesInUse)
        {
            NamesInUse.Remove(_name);
        }
    }

    private void OnStopped(RelayTracing stopped)
    {
        lock (_gate)
        {
            _live.Remove(stopped);
            _stoppedSpans += stopped.Processor.Offered;
            _stoppedDropped += stopped.Processor.Dropped;
        }
    }

    private long Sum(Func<GenerationProcessor, long> count, long stopped)
    {
        lock (_gate)
        {
            return stopped + _live.Sum(t => count(t.Processor));
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
