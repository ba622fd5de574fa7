using System.Net.Security;
using System.Net.Sockets;

namespace Relay.Core.Transport;

/// <summary>
/// One side of a proxied connection: a socket and the stream over it (plain, TLS, or a relay/2
/// stream). The copier reads from <see cref="Stream"/> into a pooled buffer and writes that
/// buffer straight to the other end, so a byte is copied once from kernel to user and once back.
/// </summary>
internal sealed class ConnectionEnd : IAsyncDisposable
{
    private readonly IFramingSink? _framing;
    private int _closed;

    public ConnectionEnd(Socket socket, Stream stream, int bufferSize)
    {
        Socket = socket;
        Stream = stream;
        BufferSize = bufferSize;
        _framing = stream as IFramingSink;
    }

    public Socket Socket { get; }

    public Stream Stream { get; }

    /// <summary><c>limits.buffer_size</c>: the most one read from this end takes.</summary>
    public int BufferSize { get; }

    /// <summary>Bytes a chunk written to this end needs free in front of it (a relay/2 frame header), else 0.</summary>
    public int HeaderRoom => _framing?.HeaderRoom ?? 0;

    /// <summary>The largest chunk one write to this end takes (a relay/2 frame's payload), else unbounded.</summary>
    public int MaxChunk => _framing?.MaxPayload ?? int.MaxValue;

    public static ConnectionEnd ForSocket(Socket socket, int bufferSize) =>
        new(socket, new NetworkStream(socket, ownsSocket: false), bufferSize);

    /// <summary>
    /// Writes <paramref name="count"/> bytes that start <see cref="HeaderRoom"/> bytes into
    /// <paramref name="buffer"/>; a framing end fills the room with its header and sends both at once.
    /// </summary>
    public ValueTask WriteChunkAsync(byte[] buffer, int count) =>
        _framing is { } framing
            ? framing.WriteFramedAsync(buffer.AsMemory(0, framing.HeaderRoom + count), CancellationToken.None)
            : Stream.WriteAsync(buffer.AsMemory(0, count), CancellationToken.None);

    /// <summary>Half-close: FIN to the peer (after TLS close_notify) while still reading from it.</summary>
    public async ValueTask ShutdownWriteAsync()
    {
        if (Stream is ICarriedStream carried)
        {
            // relay/2: end this stream's direction with a frame; the TLS connection stays open.
            await carried.WriteEndAsync().ConfigureAwait(false);
            return;
        }
        if (Stream is SslStream tls)
        {
            await tls.ShutdownAsync().ConfigureAwait(false);
        }
        Socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Abortive close: SO_LINGER 0 makes close(2) send RST, telling the peer the flow broke.</summary>
    public void Reset()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        try
        {
            Socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // Already shut down by the peer; close below still releases the descriptor.
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        Socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            if (Stream is ICarriedStream carried && carried.TryRelease())
            {
                // A relay/2 connection whose stream ended cleanly carries the next one.
                return;
            }
            await Stream.DisposeAsync().ConfigureAwait(false);
            Socket.Dispose();
        }
    }
}
