using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;

namespace Relay.Core.Transport;

/// <summary>
/// One side of a proxied connection: a socket, the stream over it (plain or TLS), and a
/// PipeReader that reads into pooled buffers. Writes go straight from the other side's
/// buffer to this stream, so a byte is copied once from kernel to user and once back.
/// </summary>
internal sealed class ConnectionEnd : IAsyncDisposable
{
    private int _closed;

    public ConnectionEnd(Socket socket, Stream stream, int bufferSize)
    {
        Socket = socket;
        Stream = stream;
        // Zero-byte reads: an idle connection holds no pooled buffer until data arrives
        // (Kestrel's WaitForDataBeforeAllocatingBuffer); leaveOpen so disposal order is ours.
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(
            bufferSize: bufferSize, minimumReadSize: Math.Min(bufferSize, 4096), leaveOpen: true, useZeroByteReads: true));
    }

    public Socket Socket { get; }

    public Stream Stream { get; }

    public PipeReader Input { get; }

    public static ConnectionEnd ForSocket(Socket socket, int bufferSize) =>
        new(socket, new NetworkStream(socket, ownsSocket: false), bufferSize);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Stream.WriteAsync(data, cancellationToken);

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
        await Input.CompleteAsync().ConfigureAwait(false);
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
