using System.Net.Sockets;

namespace Relay.Bench.Micro.OpenSsl;

/// <summary>
/// TLS over a socket with OpenSSL called directly: memory BIOs on both sides of the SSL object
/// (SslStream's design), ciphertext moved by the socket's own async calls, and none of
/// SslStream's managed layers. Enough for the record benchmark's request/echo traffic: one
/// reader and one writer, never at once; no renegotiation, no close_notify.
/// </summary>
internal sealed class OpenSslSocketStream : Stream
{
    // A 16 KiB record plus header and tag, twice: what one SSL_write of the largest payload emits.
    private const int NetworkBufferBytes = 34 * 1024;

    private readonly nint _ssl;
    private readonly nint _rbio;
    private readonly nint _wbio;
    private readonly Socket _socket;
    private readonly byte[] _network = GC.AllocateArray<byte>(NetworkBufferBytes, pinned: true);

    private OpenSslSocketStream(OpenSslContext context, Socket socket, bool client)
    {
        _socket = socket;
        _ssl = LibSsl.SSL_new(context.Handle);
        _rbio = LibSsl.BIO_new(LibSsl.BIO_s_mem());
        _wbio = LibSsl.BIO_new(LibSsl.BIO_s_mem());
        LibSsl.SSL_set_bio(_ssl, _rbio, _wbio);
        if (client)
        {
            LibSsl.SSL_set_connect_state(_ssl);
        }
        else
        {
            LibSsl.SSL_set_accept_state(_ssl);
        }
    }

    /// <summary>Runs the handshake; throws unless it completes with a peer certificate that verified against the bundle.</summary>
    public static async Task<OpenSslSocketStream> HandshakeAsync(OpenSslContext context, Socket socket, bool client, CancellationToken cancellationToken)
    {
        var stream = new OpenSslSocketStream(context, socket, client);
        try
        {
            while (true)
            {
                var result = LibSsl.SSL_do_handshake(stream._ssl);
                await stream.SendPendingAsync(cancellationToken);
                if (result == 1)
                {
                    var verify = LibSsl.SSL_get_verify_result(stream._ssl);
                    return verify == 0 ? stream : throw new InvalidOperationException($"peer verification failed: X509_V_ERR {verify}");
                }
                var error = LibSsl.SSL_get_error(stream._ssl, result);
                if (error != LibSsl.SslErrorWantRead || !await stream.FillAsync(cancellationToken))
                {
                    throw new InvalidOperationException($"handshake failed: SSL_get_error {error}");
                }
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var written = LibSsl.Write(_ssl, data.Span);
        if (written != data.Length)
        {
            throw new IOException($"SSL_write: SSL_get_error {LibSsl.SSL_get_error(_ssl, written)}");
        }
        await SendPendingAsync(cancellationToken);
    }

    /// <summary>Some plaintext, or 0 at the peer's close_notify or FIN.</summary>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var read = LibSsl.Read(_ssl, buffer.Span);
            if (read > 0)
            {
                return read;
            }
            var error = LibSsl.SSL_get_error(_ssl, read);
            if (error == LibSsl.SslErrorZeroReturn)
            {
                return 0;
            }
            if (error != LibSsl.SslErrorWantRead)
            {
                throw new IOException($"SSL_read: SSL_get_error {error}");
            }
            // TLS 1.3 may owe the peer a record (a key update answer) before it can read more.
            await SendPendingAsync(cancellationToken);
            if (!await FillAsync(cancellationToken))
            {
                return 0;
            }
        }
    }

    /// <summary>Sends whatever the SSL object wrote to its output BIO.</summary>
    private async ValueTask SendPendingAsync(CancellationToken cancellationToken)
    {
        int pending;
        while ((pending = LibSsl.BioRead(_wbio, _network)) > 0)
        {
            await _socket.SendAsync(_network.AsMemory(0, pending), SocketFlags.None, cancellationToken);
        }
    }

    /// <summary>Feeds the next ciphertext from the socket to the SSL object's input BIO; false at EOF.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        var received = await _socket.ReceiveAsync(_network, SocketFlags.None, cancellationToken);
        if (received == 0)
        {
            return false;
        }
        LibSsl.BioWrite(_rbio, _network.AsSpan(0, received));
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _socket.Dispose();
            // SSL_free frees both BIOs set by SSL_set_bio.
            LibSsl.SSL_free(_ssl);
        }
        base.Dispose(disposing);
    }

    // Stream plumbing: the benchmark only uses the async Memory overloads above.
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
