namespace Relay.Bench.Micro.OpenSsl;

/// <summary>
/// A client and a server SSL object joined by memory BIOs in one thread, no sockets: the floor
/// of what OpenSSL itself charges per record when nothing else runs between records.
/// </summary>
internal sealed class OpenSslMemoryPair : IDisposable
{
    // Handshake flights between the two ends: TLS 1.3 with client certificates needs 2, tickets a 3rd.
    private const int MaxHandshakeFlights = 8;

    private readonly nint _client;
    private readonly nint _server;
    private readonly nint _clientIn;
    private readonly nint _clientOut;
    private readonly nint _serverIn;
    private readonly nint _serverOut;
    private readonly byte[] _wire = new byte[34 * 1024];
    private readonly byte[] _plain = new byte[16 * 1024];

    public OpenSslMemoryPair(OpenSslContext clientContext, OpenSslContext serverContext)
    {
        (_client, _clientIn, _clientOut) = NewSsl(clientContext);
        (_server, _serverIn, _serverOut) = NewSsl(serverContext);
        LibSsl.SSL_set_connect_state(_client);
        LibSsl.SSL_set_accept_state(_server);
        for (var flight = 0; flight < MaxHandshakeFlights; flight++)
        {
            var clientDone = LibSsl.SSL_do_handshake(_client) == 1;
            Pump(_clientOut, _serverIn);
            var serverDone = LibSsl.SSL_do_handshake(_server) == 1;
            Pump(_serverOut, _clientIn);
            if (clientDone && serverDone)
            {
                // Consume the server's session tickets so the first timed read is a data record.
                LibSsl.Read(_client, _plain.AsSpan(0, 1));
                return;
            }
        }
        throw new InvalidOperationException("in-memory handshake did not complete");
    }

    /// <summary>One request and its echo: four record operations. Throws if a record does not arrive whole.</summary>
    public void RoundTrip(ReadOnlySpan<byte> message)
    {
        Send(_client, _clientOut, _serverIn, _server, message);
        Send(_server, _serverOut, _clientIn, _client, message);
    }

    private void Send(nint from, nint fromOut, nint toIn, nint to, ReadOnlySpan<byte> message)
    {
        if (LibSsl.Write(from, message) != message.Length)
        {
            throw new InvalidOperationException("SSL_write fell short");
        }
        Pump(fromOut, toIn);
        if (LibSsl.Read(to, _plain) != message.Length)
        {
            throw new InvalidOperationException("SSL_read fell short");
        }
    }

    private void Pump(nint output, nint input)
    {
        int n;
        while ((n = LibSsl.BioRead(output, _wire)) > 0)
        {
            LibSsl.BioWrite(input, _wire.AsSpan(0, n));
        }
    }

    private static (nint Ssl, nint In, nint Out) NewSsl(OpenSslContext context)
    {
        var ssl = LibSsl.SSL_new(context.Handle);
        var input = LibSsl.BIO_new(LibSsl.BIO_s_mem());
        var output = LibSsl.BIO_new(LibSsl.BIO_s_mem());
        LibSsl.SSL_set_bio(ssl, input, output);
        return (ssl, input, output);
    }

    public void Dispose()
    {
        LibSsl.SSL_free(_client);
        LibSsl.SSL_free(_server);
    }
}
