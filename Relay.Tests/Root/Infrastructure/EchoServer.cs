using System.Net.Sockets;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// Echoes every byte back. Half-close aware: when the client shuts down its send side, everything received
/// has already been echoed, then the server sends FIN, so clients can "send all, shutdown, read to EOF".
/// </summary>
internal sealed class EchoServer : TestServer
{
    /// <summary>16 KiB: a few socket-buffer segments per call, no per-connection pressure.</summary>
    private const int BufferSize = 16 * 1024;

    private EchoServer(NetnsHost host, int port) : base(host, port)
    {
    }

    public static EchoServer Start(NetnsHost host, int port, int maxConnections = 256)
    {
        var server = new EchoServer(host, port);
        server.Start(maxConnections);
        return server;
    }

    protected override async Task ServeAsync(Socket connection, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        while (true)
        {
            var read = await connection.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                connection.Shutdown(SocketShutdown.Send);
                return;
            }
            await connection.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken);
        }
    }
}
