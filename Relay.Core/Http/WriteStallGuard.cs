namespace Relay.Core.Http;

/// <summary>
/// The client side of an L7 connection, with one bound Kestrel does not have: a write to the
/// client that makes no progress for <see cref="Timeout"/> ends the connection. A client that
/// floods PING or SETTINGS frames and never reads their ACKs (CVE-2019-9512/9515) fills the
/// socket, Kestrel's writer stops, and with it Kestrel's read loop: memory stays bounded, but
/// Kestrel's own timers cannot close the connection, because the GOAWAY they would send waits
/// behind the stalled output. Envoy closes such a client once 1,000 control frames are queued
/// (<c>max_outbound_control_frames</c>); Relay, which does not parse HTTP/2 itself, closes it
/// when its socket has accepted nothing for the timeout (HttpServer sets it to the keep-alive
/// timeout: a connection stalled that long is idle both ways). Writes that complete at once (the
/// common case) cost one branch.
/// </summary>
internal sealed class WriteStallGuard(Stream inner, Action onStall) : Stream
{
    /// <summary>Infinite until <see cref="HttpServer"/> sets it, before Kestrel gets the connection.</summary>
    public TimeSpan Timeout { get; set; } = System.Threading.Timeout.InfiniteTimeSpan;

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var write = inner.WriteAsync(buffer, cancellationToken);
        return write.IsCompleted || Timeout == System.Threading.Timeout.InfiniteTimeSpan ? write : BoundedAsync(write.AsTask());
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async ValueTask BoundedAsync(Task write)
    {
        try
        {
            // WaitAsync disposes its timer when the write completes: no timer outlives a slow write.
            await write.WaitAsync(Timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            onStall();
            await write.ConfigureAwait(false); // faults once the stall's abort has closed the socket
        }
    }
}
