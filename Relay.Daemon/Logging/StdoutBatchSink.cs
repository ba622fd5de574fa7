using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Sinks.Async;

namespace Relay.Daemon.Logging;

/// <summary>
/// Formats events into one buffer over stdout and flushes it whenever the async queue in front of
/// it is empty (or <see cref="MaxBatch"/> lines are waiting): a burst of access lines leaves in one
/// write(2) instead of one per line, and a lone line still leaves at once. Serilog's console sink
/// writes every line with its own write(2); at ~4,000 new connections/s that was the largest
/// single cost of an L4 hop (docs/performance.md, "New plaintext connections").
/// Only the async sink's single worker calls <see cref="Emit"/>, so the buffer needs no lock.
/// </summary>
internal sealed class StdoutBatchSink(ITextFormatter formatter, Stream output) : ILogEventSink, IAsyncLogEventSinkMonitor, IDisposable
{
    // A cap so a queue that never empties still reaches the journal regularly: 256 access lines
    // are ~50 KiB, one pipe buffer's worth of journald input.
    private const int MaxBatch = 256;

    // Large enough that a batch is written by Flush, not piecemeal by the writer filling up.
    private const int BufferChars = 64 * 1024;

    private readonly StreamWriter _writer = new(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), BufferChars) { AutoFlush = false };
    private volatile IAsyncLogEventSinkInspector? _queue;
    private int _unflushed;
    private int _disposed;

    public void Emit(LogEvent logEvent)
    {
        formatter.Format(logEvent, _writer);
        if (++_unflushed >= MaxBatch || (_queue?.Count ?? 0) == 0)
        {
            _unflushed = 0;
            _writer.Flush();
        }
    }

    public void StartMonitoring(IAsyncLogEventSinkInspector inspector) => _queue = inspector;

    public void StopMonitoring(IAsyncLogEventSinkInspector inspector) => _queue = null;

    public void Dispose()
    {
        // Both the async wrapper and the logger dispose the sinks they were given.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            // Dispose flushes what is buffered; if that write fails it would throw again on a
            // second flush, so it is the only one.
            _writer.Dispose();
        }
        catch (IOException)
        {
            // stdout is gone (the reader exited); nothing left to tell.
        }
    }
}
