using System.Net;
using System.Net.Sockets;

namespace Relay.Bench.Micro;

/// <summary>Connected loopback TCP pairs from one listener, as the micro benchmarks need them.</summary>
internal sealed class LoopbackSockets : IDisposable
{
    // A handful of pending connections is all a sequential benchmark ever has.
    private const int Backlog = 16;

    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public LoopbackSockets()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(Backlog);
    }

    public async Task<(Socket Client, Socket Server)> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = _listener.AcceptAsync(cancellationToken);
        await client.ConnectAsync(_listener.LocalEndPoint!, cancellationToken);
        var server = await accept;
        server.NoDelay = true;
        return (client, server);
    }

    public void Dispose() => _listener.Dispose();
}
