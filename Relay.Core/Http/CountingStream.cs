using System.Runtime.CompilerServices;
using Relay.Core.Transport;

namespace Relay.Core.Http;

/// <summary>
/// A pass-through stream that counts bytes each way (the access log's up/down) and, for a
/// connection, tells the idle sweep that bytes moved, as the L4 copier does per chunk.
/// </summary>
internal sealed class CountingStream(Stream inner, ActivityClock? activity = null) : Stream
{
    public long BytesRead { get; private set; }

    public long BytesWritten { get; private set; }

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    // Both directions of every L7 request pass here: a read or write the socket completes at once
    // (most of them) costs no state machine; one that waits takes a pooled one. As plain async
    // methods these were ~1.5% of relay-http's bytes allocated per request (dotnet-trace
    // gc-verbose, 2026-12-02).
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = inner.ReadAsync(buffer, cancellationToken);
        if (!read.IsCompletedSuccessfully)
        {
            return ReadSlowAsync(read);
        }
        var n = read.Result;
        CountRead(n);
        return ValueTask.FromResult(n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var write = inner.WriteAsync(buffer, cancellationToken);
        if (!write.IsCompletedSuccessfully)
        {
            return WriteSlowAsync(write, buffer.Length);
        }
        write.GetAwaiter().GetResult();
        CountWritten(buffer.Length);
        return ValueTask.CompletedTask;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadSlowAsync(ValueTask<int> read)
    {
        var n = await read.ConfigureAwait(false);
        CountRead(n);
        return n;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteSlowAsync(ValueTask write, int length)
    {
        await write.ConfigureAwait(false);
        CountWritten(length);
    }

    private void CountRead(int n)
    {
        BytesRead += n;
        activity?.Touch();
    }

    private void CountWritten(int n)
    {
        BytesWritten += n;
        activity?.Touch();
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        BytesRead += n;
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        BytesWritten += count;
    }

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
