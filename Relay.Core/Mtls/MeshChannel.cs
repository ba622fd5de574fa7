using System.Buffers;
using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Relay.Core.Transport;
using Relay.Core.Vocabulary;

namespace Relay.Core.Mtls;

/// <summary>
/// One relay/2 mesh TLS connection, seen as the stream of the app connection it currently carries.
/// Each direction of a stream is a run of frames, a 4-byte big-endian payload length then the
/// payload, ended by a zero-length frame (the stream's FIN that way). When both ends have been
/// seen and nothing failed, the TLS connection is clean and can carry the next stream, which
/// starts with the <c>RLY2</c> preface (<see cref="MeshPreface"/>). Any failure (reset, TLS error,
/// a malformed frame) breaks the whole connection, which is then reset like a relay/1 one.
/// Reads pass payload straight into the caller's buffer. The copier writes through
/// <see cref="WriteFramedAsync"/>: it reads each chunk in behind room for the header, so header and
/// payload leave in one TLS write without a copy; any other write copies the payload behind a header.
/// </summary>
internal sealed class MeshChannel : Stream, ICarriedStream, IFramingSink
{
    // SslStream on Linux hands at most 32 KiB to one SSL_write (StreamSizes.Unix MaximumMessage):
    // a frame of that size is one SslStream write, two TLS records, one send(2).
    private const int MaxFrame = 32 * 1024;
    private const int HeaderLength = 4;
    private const int MaxFramePayload = MaxFrame - HeaderLength;

    // A zero-length frame: the stream's FIN in one direction. SslStream only reads it.
    private static readonly byte[] EndFrame = new byte[HeaderLength];

    private readonly byte[] _header = new byte[HeaderLength];
    private int _remaining;
    private bool _readEnded;
    private bool _writeEnded;
    private bool _broken;

    public MeshChannel(Socket socket, SslStream tls, TlsFacts facts)
    {
        Socket = socket;
        Tls = tls;
        Facts = facts;
    }

    public Socket Socket { get; }

    /// <summary>This side's material when the session was authenticated (our leaf, the bundle the peer was checked against).</summary>
    public Relay.Tls.Certificates.MeshCredentials? Credentials { get; init; }

    public SslStream Tls { get; }

    /// <summary>The session's version, cipher and verified peer, recorded on every stream it carries.</summary>
    public TlsFacts Facts { get; }

    /// <summary>Streams this connection has opened or accepted (1 for the first).</summary>
    public int Streams { get; private set; }

    /// <summary>When the connection last went idle (Environment.TickCount64), for pool expiry.</summary>
    public long IdleSinceMs { get; private set; }

    /// <summary>True once the current stream ended cleanly both ways: the connection may carry another.</summary>
    public bool IsReusable => _readEnded && _writeEnded && !_broken;

    /// <summary>Caller side: start a stream (the preface tells the server to dial its app).</summary>
    public async ValueTask OpenStreamAsync(CancellationToken cancellationToken)
    {
        ResetStreamState();
        try
        {
            await MeshPreface.WriteFramedAsync(Tls, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransportFailure.Is(ex))
        {
            _broken = true;
            throw;
        }
    }

    /// <summary>Server side: wait for the next stream's preface; false when the caller closed or sent anything else.</summary>
    public async Task<bool> AcceptStreamAsync(CancellationToken cancellationToken)
    {
        ResetStreamState();
        try
        {
            // Zero-byte read first: an idle connection waits without holding SslStream's read buffer.
            await Tls.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransportFailure.Is(ex))
        {
            _broken = true;
            return false;
        }
        if (!await MeshPreface.ReadFramedAsync(Tls, cancellationToken).ConfigureAwait(false))
        {
            _broken = true;
            return false;
        }
        return true;
    }

    /// <summary>Ends this direction of the current stream (the FIN frame); the TLS connection stays open.</summary>
    public async ValueTask WriteEndAsync()
    {
        try
        {
            await Tls.WriteAsync(EndFrame).ConfigureAwait(false);
            _writeEnded = true;
        }
        catch (Exception ex) when (TransportFailure.Is(ex))
        {
            _broken = true;
            throw;
        }
    }

    /// <summary>Where a clean connection goes when its stream's ends are disposed (the caller's pool); null keeps it with its owner.</summary>
    public Action<MeshChannel>? OnReusable { get; set; }

    /// <summary>Marks the connection idle now (for pool expiry).</summary>
    public void MarkIdle() => IdleSinceMs = Environment.TickCount64;

    /// <summary>Hands a clean connection on after its stream; false if it must be closed instead.</summary>
    public bool TryRelease()
    {
        if (!IsReusable)
        {
            return false;
        }
        MarkIdle();
        OnReusable?.Invoke(this);
        return true;
    }

    /// <summary>Abortive close of the whole TLS connection: RST, as a relay/1 connection would get.</summary>
    public void Reset()
    {
        _broken = true;
        try
        {
            Socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone; dispose below still releases the descriptor.
        }
        Socket.Dispose();
    }

    // Pooled builders: a copy loop awaits these once per chunk, and a suspended plain async
    // ValueTask method allocates its state machine box each time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_readEnded)
        {
            return 0;
        }
        try
        {
            if (buffer.IsEmpty)
            {
                // The PipeReader's zero-byte read: wait for data without committing a buffer.
                return await Tls.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            if (_remaining == 0)
            {
                await Tls.ReadExactlyAsync(_header, cancellationToken).ConfigureAwait(false);
                var length = BinaryPrimitives.ReadInt32BigEndian(_header);
                if (length == 0)
                {
                    _readEnded = true;
                    return 0;
                }
                // The sign bit is reserved for future frame types; a relay/2 peer never sets it.
                _remaining = length > 0 ? length : throw new MalformedStreamException($"malformed mesh frame header 0x{length:x8}");
            }
            var read = await Tls.ReadAsync(buffer[..Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
            _remaining -= read > 0 ? read : throw new IOException("mesh peer closed inside a frame");
            return read;
        }
        catch (Exception ex) when (TransportFailure.Is(ex))
        {
            _broken = true;
            throw ex is EndOfStreamException ? new IOException("mesh peer closed mid-stream", ex) : ex;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_writeEnded)
        {
            throw new InvalidOperationException("write after the stream's end frame");
        }
        var frame = ArrayPool<byte>.Shared.Rent(HeaderLength + Math.Min(buffer.Length, MaxFramePayload));
        try
        {
            while (!buffer.IsEmpty)
            {
                var payload = Math.Min(buffer.Length, Math.Min(MaxFramePayload, frame.Length - HeaderLength));
                BinaryPrimitives.WriteInt32BigEndian(frame, payload);
                buffer.Span[..payload].CopyTo(frame.AsSpan(HeaderLength));
                await Tls.WriteAsync(frame.AsMemory(0, HeaderLength + payload), cancellationToken).ConfigureAwait(false);
                buffer = buffer[payload..];
            }
        }
        catch (Exception ex) when (TransportFailure.Is(ex))
        {
            _broken = true;
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    public int HeaderRoom => HeaderLength;

    public int MaxPayload => MaxFramePayload;

    /// <summary>One frame whose first four bytes are free for the header: one TLS write, no payload copy.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteFramedAsync(Memory<byte> frame, CancellationToken cancellationToken)
    {
        if (_writeEnded)
        {
            throw new InvalidOperationException("write after the stream's end frame");
        }
        var payload = frame.Length - HeaderLength;
        if (payload is <= 0 or > MaxFramePayload)
        {
            throw new ArgumentOutOfRangeException(nameof(frame), frame.Length, "a frame carries 1 to MaxPayload bytes behind its header");
        }
        BinaryPrimitives.WriteInt32BigEndian(frame.Span, payload);
        try
        {
            await Tls.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransportFailure.Is(ex))
        {
            _broken = true;
            throw;
        }
    }

    private void ResetStreamState()
    {
        _readEnded = false;
        _writeEnded = false;
        _remaining = 0;
        Streams++;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _broken = true;
            Tls.Dispose();
            Socket.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _broken = true;
        await Tls.DisposeAsync().ConfigureAwait(false);
        Socket.Dispose();
        GC.SuppressFinalize(this);
    }

    // Stream plumbing: the data path only uses the async Memory overloads above.
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
