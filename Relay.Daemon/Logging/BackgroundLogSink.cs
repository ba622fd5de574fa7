using System.Threading.Channels;
using Serilog.Core;
using Serilog.Events;

namespace Relay.Daemon.Logging;

/// <summary>
/// Takes log events off the connection handlers' threads: <see cref="Emit"/> only queues, and one
/// drain loop on the thread pool formats and writes them through <see cref="StdoutBatchSink"/>.
/// Replaces Serilog.Sinks.Async, whose worker thread blocks in a BlockingCollection: its
/// SemaphoreSlim spins (sched_yield) before sleeping after every event, and under `perf` during
/// newconn-c16 that spinning was 13% of an L4 Relay's CPU (the whole logging thread 19.5%;
/// docs/performance.md). An awaited channel read sleeps without spinning and is woken once per
/// burst, however many lines the burst holds; after each drain the loop waits
/// <see cref="FlushInterval"/> before it reads again, so under steady traffic it wakes at most
/// once per interval instead of once per burst of a few lines.
/// </summary>
internal sealed class BackgroundLogSink : ILogEventSink, IDisposable
{
    /// <summary>
    /// Lines written before a flush even when the queue never drains: 256 access lines are
    /// ~50 KiB, one pipe buffer's worth of journald input.
    /// </summary>
    public const int MaxBatch = 256;

    // Serilog.Sinks.Async's default: ~2.5 s of access lines at 4,000 new connections/s. Beyond it
    // lines are dropped, never blocking a connection on a stalled journal.
    private const int Capacity = 10_000;

    /// <summary>
    /// How long the drain loop rests after writing, collecting what arrives meanwhile. Without
    /// it, at relay-http's rps-c64 the loop woke once per ~2 access lines (0.46 write(2) and ~1
    /// futex wake-up per request, strace -c), and the wake-ups and their thread-pool hand-offs
    /// were the largest cost Relay adds to a request (docs/performance.md, "L7: where a request's
    /// CPU goes"). The first line after a quiet interval still leaves at once; later ones within
    /// 10 ms, far inside Envoy's 1 s access-log flush interval (<c>file_flush_interval_msec</c>).
    /// </summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(10);

    // A stalled stdout must not hold the daemon's exit for long; journald reads far faster.
    private static readonly TimeSpan DrainOnDispose = TimeSpan.FromSeconds(5);

    private readonly Channel<Line> _queue = Channel.CreateBounded<Line>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private readonly StdoutBatchSink _output;
    private readonly Task _drain;

    public BackgroundLogSink(StdoutBatchSink output)
    {
        _output = output;
        _drain = Task.Run(DrainAsync);
    }

    public void Emit(LogEvent logEvent) => _queue.Writer.TryWrite(new Line(logEvent, null));

    /// <summary>Queues a line already rendered (<see cref="AccessLineRenderer"/>), newline included.</summary>
    public void Emit(string rendered) => _queue.Writer.TryWrite(new Line(null, rendered));

    private async Task DrainAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var written = 0;
            while (reader.TryRead(out var line))
            {
                if (line.Event is { } logEvent)
                {
                    _output.Write(logEvent);
                }
                else
                {
                    _output.Write(line.Rendered!);
                }
                if (++written % MaxBatch == 0)
                {
                    _output.Flush();
                }
            }
            _output.Flush();
            await Task.Delay(FlushInterval).ConfigureAwait(false);
        }
    }

    /// <summary>A Serilog event to format, or a line already rendered.</summary>
    private readonly record struct Line(LogEvent? Event, string? Rendered);

    /// <summary>Writes what is queued (up to <see cref="DrainOnDispose"/>), then closes stdout's writer.</summary>
    public void Dispose()
    {
        if (_queue.Writer.TryComplete())
        {
            _drain.Wait(DrainOnDispose);
            _output.Dispose();
        }
    }
}
