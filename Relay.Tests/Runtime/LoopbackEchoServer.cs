using System.Net;
using System.Net.Sockets;

namespace Relay.Tests.Runtime;

/// <summary>An echo server on 127.0.0.1 that half-closes after echoing everything; bounded by its dispose.</summary>
internal sealed class LoopbackEchoServer : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();

    public LoopbackEchoServer(bool resetOnAccept = false)
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        _ = AcceptLoopAsync(resetOnAccept);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    private async Task AcceptLoopAsync(bool resetOnAccept)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            if (resetOnAccept)
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Dispose();
                continue;
            }
            _ = EchoAsync(socket);
        }
    }

    private async Task EchoAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[16384];
            try
            {
                int n;
                while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
                {
                    await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
                }
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception)
            {
                // The peer reset or the test ended: nothing to echo any more.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
    }
}
