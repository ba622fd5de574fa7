using System.Net.Sockets;
using System.Text;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// A server-speaks-first protocol (SMTP-like): greets with <see cref="Greeting"/> before the client
/// sends anything, then answers one line with <see cref="Farewell"/> and closes.
/// </summary>
internal sealed class GreetingServer : TestServer
{
    public const string Greeting = "220 relay-test ready\r\n";
    public const string Farewell = "221 bye\r\n";

    private GreetingServer(NetnsHost host, int port) : base(host, port)
    {
    }

    public static GreetingServer Start(NetnsHost host, int port)
    {
        var server = new GreetingServer(host, port);
        server.Start(64);
        return server;
    }

    protected override async Task ServeAsync(Socket connection, CancellationToken cancellationToken)
    {
        await connection.SendAsync(Encoding.ASCII.GetBytes(Greeting), SocketFlags.None, cancellationToken);
        var buffer = new byte[256];
        var read = await connection.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        if (read > 0)
        {
            await connection.SendAsync(Encoding.ASCII.GetBytes(Farewell), SocketFlags.None, cancellationToken);
        }
        connection.Shutdown(SocketShutdown.Send);
    }
}
