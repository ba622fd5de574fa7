using System.Net.Sockets;
using System.Runtime.InteropServices;
using Org.BouncyCastle.Tls;

namespace Relay.Bench.Micro.Packages;

/// <summary>
/// A TLS connection driven by BouncyCastle's non-blocking <see cref="TlsProtocol"/>: bytes the
/// socket's async receive returns are offered to the protocol, and whatever records it produces
/// (handshake messages, alerts, encrypted application data) are sent with the socket's async
/// send. No Stream under the protocol, so no thread ever blocks in BC. A Stream on top so the
/// benchmarks drive it exactly like an SslStream.
/// </summary>
internal sealed class BcTlsStream : Stream
{
    // One full TLS record (2^14 plaintext + 256 of expansion, RFC 8446 §5.2) plus its header.
    private const int RecordBytes = (1 << 14) + 256 + 5;

    private readonly Socket _socket;
    private readonly TlsProtocol _protocol;
    private readonly byte[] _received = new byte[RecordBytes];
    private readonly byte[] _output = new byte[RecordBytes];

    private BcTlsStream(Socket socket, TlsProtocol protocol)
    {
        _socket = socket;
        _protocol = protocol;
    }

    public static async Task<BcTlsStream> ConnectAsync(Socket socket, TlsClient client, CancellationToken cancellationToken)
    {
        var protocol = new TlsClientProtocol();
        protocol.Connect(client);
        var stream = new BcTlsStream(socket, protocol);
        await stream.HandshakeAsync(cancellationToken);
        return stream;
    }

    public static async Task<BcTlsStream> AcceptAsync(Socket socket, TlsServer server, CancellationToken cancellationToken)
    {
        var protocol = new TlsServerProtocol();
        protocol.Accept(server);
        var stream = new BcTlsStream(socket, protocol);
        await stream.HandshakeAsync(cancellationToken);
        return stream;
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_protocol.GetAvailableInputBytes() == 0)
        {
            if (_protocol.IsClosed || !await ReceiveAsync(cancellationToken))
            {
                return 0;
            }
        }
        if (MemoryMarshal.TryGetArray<byte>(buffer, out var array))
        {
            return _protocol.ReadInput(array.Array!, array.Offset, array.Count);
        }
        var n = _protocol.ReadInput(_output, 0, Math.Min(buffer.Length, _output.Length));
        _output.AsSpan(0, n).CopyTo(buffer.Span);
        return n;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _protocol.WriteApplicationData(buffer.Span);
        await SendOutputAsync(cancellationToken);
    }

    /// <summary>close_notify to the peer, then FIN.</summary>
    public async Task ShutdownAsync()
    {
        _protocol.Close();
        await SendOutputAsync(CancellationToken.None);
        _socket.Shutdown(SocketShutdown.Send);
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _socket.Dispose();
        }
        base.Dispose(disposing);
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        await SendOutputAsync(cancellationToken);
        while (_protocol.IsHandshaking)
        {
            if (!await ReceiveAsync(cancellationToken))
            {
                throw new IOException("peer closed the connection during the TLS handshake");
            }
        }
    }

    /// <summary>One socket read offered to the protocol, and any records it answers with sent; false on EOF.</summary>
    private async ValueTask<bool> ReceiveAsync(CancellationToken cancellationToken)
    {
        var n = await _socket.ReceiveAsync(_received, SocketFlags.None, cancellationToken);
        if (n == 0)
        {
            return false;
        }
        try
        {
            _protocol.OfferInput(_received, 0, n);
        }
        catch (IOException)
        {
            // A refused peer or a bad record: BC has queued the fatal alert; send it, as SslStream does.
            await TrySendAlertAsync();
            throw;
        }
        await SendOutputAsync(cancellationToken);
        return true;
    }

    private async Task TrySendAlertAsync()
    {
        try
        {
            await SendOutputAsync(CancellationToken.None);
        }
        catch (SocketException)
        {
            // The peer is already gone; the alert is best effort.
        }
    }

    private async ValueTask SendOutputAsync(CancellationToken cancellationToken)
    {
        int available;
        while ((available = _protocol.GetAvailableOutputBytes()) > 0)
        {
            var n = _protocol.ReadOutput(_output, 0, Math.Min(available, _output.Length));
            for (var sent = 0; sent < n;)
            {
                sent += await _socket.SendAsync(_output.AsMemory(sent, n - sent), SocketFlags.None, cancellationToken);
            }
        }
    }
}
