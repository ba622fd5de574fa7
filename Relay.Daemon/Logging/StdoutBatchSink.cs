using System.Text;
using Serilog.Events;
using Serilog.Formatting;

namespace Relay.Daemon.Logging;

/// <summary>
/// Formats events into one buffer over stdout; <see cref="BackgroundLogSink"/> flushes it when its
/// queue is drained (or <see cref="BackgroundLogSink.MaxBatch"/> lines are waiting): a burst of
/// access lines leaves in one write(2) instead of one per line, and a lone line still leaves at
/// once. Serilog's console sink writes every line with its own write(2); at ~4,000 new
/// connections/s that was the largest single cost of an L4 hop (docs/performance.md, "New
/// plaintext connections"). Only the background sink's single drain loop calls it: no lock.
/// </summary>
internal sealed class StdoutBatchSink(ITextFormatter formatter, Stream output) : IDisposable
{
    // Large enough that a batch is written by Flush, not piecemeal by the writer filling up.
    private const int BufferChars = 64 * 1024;

    private readonly StreamWriter _writer = new(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), BufferChars) { AutoFlush = false };
    private int _disposed;

    public void Write(LogEvent logEvent) => formatter.Format(logEvent, _writer);

    /// <summary>A line rendered without Serilog (<see cref="AccessLineRenderer"/>), newline included.</summary>
    public void Write(string rendered) => _writer.Write(rendered);

    public void Flush()
    {
        try
        {
            _writer.Flush();
        }
        catch (IOException)
        {
            // stdout is gone (the reader exited); nothing left to tell, and the daemon carries on.
        }
    }

    public void Dispose()
    {
        // Both the background sink and the logger may dispose it.
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
