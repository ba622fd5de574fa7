using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text;

namespace Relay.Core.Observability;

/// <summary>
/// Aggregates measurements from the given meters (and any meter whose name starts with "Relay"
/// created by the same <see cref="IMeterFactory"/>) and renders them as Prometheus text 0.0.4.
/// Kept hand-written by measurement (Relay.Bench ExporterBenchmarks, docs/performance.md): the
/// recording cost per proxied connection is several times lower than OpenTelemetry's and
/// prometheus-net's listeners, and a scrape is faster. Recording is lock-free; scrapes are serialised.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private readonly HashSet<Meter> _meters;
    private readonly HashSet<object> _scopes;
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, InstrumentState> _states = new(StringComparer.Ordinal);
    private readonly Lock _statesLock = new();
    private readonly Lock _scrapeLock = new();
    private readonly StringBuilder _output = new();
    private readonly Encoder _encoder = Encoding.UTF8.GetEncoder();

    public PrometheusExporter(params IEnumerable<Meter> meters)
    {
        _meters = [.. meters];
        _scopes = [.. _meters.Select(m => m.Scope).OfType<object>()];
        _listener.InstrumentPublished = OnInstrumentPublished;
        _listener.MeasurementsCompleted = OnMeasurementsCompleted;
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((InstrumentState)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Collects observable instruments and renders every family, sorted by name.</summary>
    public string Scrape()
    {
        lock (_scrapeLock)
        {
            Render();
            return _output.ToString();
        }
    }

    /// <summary>
    /// The same exposition as UTF-8 in a buffer rented from <see cref="ArrayPool{T}.Shared"/>
    /// (the caller returns it): what GET /metrics sends. The text is rendered into the kept
    /// StringBuilder and encoded from its chunks, so a scrape allocates neither the string nor
    /// its byte copy (~56 KB and ~28 KB for a 20-service host, ExporterBenchmarks).
    /// </summary>
    public ScrapeBuffer ScrapeUtf8()
    {
        lock (_scrapeLock)
        {
            Render();
            var count = 0;
            foreach (var chunk in _output.GetChunks())
            {
                count += Encoding.UTF8.GetByteCount(chunk.Span);
            }
            // Chunks are encoded one after another by one Encoder, so a surrogate pair split
            // across two chunks (a non-ASCII label value) is still encoded as one character.
            var bytes = ArrayPool<byte>.Shared.Rent(Math.Max(count, 1));
            _encoder.Reset();
            var written = 0;
            foreach (var chunk in _output.GetChunks())
            {
                written += _encoder.GetBytes(chunk.Span, bytes.AsSpan(written), flush: false);
            }
            written += _encoder.GetBytes([], bytes.AsSpan(written), flush: true);
            return new ScrapeBuffer(bytes, written);
        }
    }

    private void Render()
    {
        var states = CurrentStates();
        foreach (var state in states)
        {
            state.BeginCollect();
        }
        _listener.RecordObservableInstruments();
        _output.Clear();
        foreach (var state in states)
        {
            state.Write(_output);
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>
    /// Our meters by reference; other "Relay*" meters only when they share a given meter's
    /// factory scope, so meters that other tests create with <c>new Meter</c> never leak in.
    /// </summary>
    private bool Accepts(Meter meter) =>
        _meters.Contains(meter)
        || (meter.Name.StartsWith(MetricNames.MeterName, StringComparison.Ordinal) && meter.Scope is { } scope && _scopes.Contains(scope));

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!Accepts(instrument.Meter) || InstrumentStateFactory.Create(instrument) is not { } state)
        {
            return;
        }
        lock (_statesLock)
        {
            // Two instruments exporting one name would produce an invalid exposition; first wins.
            if (!_states.TryAdd(state.Name, state))
            {
                return;
            }
        }
        listener.EnableMeasurementEvents(instrument, state);
    }

    private void OnMeasurementsCompleted(Instrument instrument, object? state)
    {
        if (state is not InstrumentState completed)
        {
            return;
        }
        lock (_statesLock)
        {
            if (_states.TryGetValue(completed.Name, out var current) && ReferenceEquals(current, completed))
            {
                _states.Remove(completed.Name);
            }
        }
    }

    private InstrumentState[] CurrentStates()
    {
        lock (_statesLock)
        {
            var states = _states.Values.ToArray();
            Array.Sort(states, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            return states;
        }
    }
}
