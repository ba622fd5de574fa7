using System.Net.Sockets;

namespace Relay.Bench.Micro;

/// <summary>
/// A connection's client end and its server end, which echoes every message back: one
/// <see cref="RoundTripAsync"/> is one request-sized write and the same bytes read back, the
/// shape of the load runner's keep-alive workloads. Works over any Stream (plain, SslStream,
/// the direct-OpenSSL and BouncyCastle streams), so the variants differ only in the stream.
/// </summary>
internal sealed class EchoEndpoint : IDisposable
{
    private readonly Stream _client;
    private readonly Stream _server;
    private readonly byte[] _message;
    private readonly byte[] _reply;

    private EchoEndpoint(Stream client, Stream server, int messageBytes)
    {
        _client = client;
        _server = server;
        _message = new byte[messageBytes];
        _reply = new byte[messageBytes];
    }

    public static EchoEndpoint Start(Stream client, Stream server, CancellationToken stop, int messageBytes = 1024)
    {
        var endpoint = new EchoEndpoint(client, server, messageBytes);
        _ = endpoint.EchoAsync(stop);
        return endpoint;
    }

    public async Task RoundTripAsync()
    {
        await _client.WriteAsync(_message);
        await _client.ReadExactlyAsync(_reply);
    }

    private async Task EchoAsync(CancellationToken stop)
    {
        var buffer = new byte[_message.Length];
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await _server.ReadExactlyAsync(buffer, stop);
                await _server.WriteAsync(buffer, stop);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or EndOfStreamException)
        {
            // Cleanup closed the connection: the echo ends with it.
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }
}
