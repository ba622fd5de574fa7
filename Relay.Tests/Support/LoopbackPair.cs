using System.Net;
using System.Net.Sockets;

namespace Relay.Tests.Support;

/// <summary>Two connected TCP sockets on 127.0.0.1: what one writes, the other reads.</summary>
internal sealed class LoopbackPair : IDisposable
{
    private LoopbackPair(Socket left, Socket right)
    {
        Left = left;
        Right = right;
    }

    public Socket Left { get; }

    public Socket Right { get; }

    public static async Task<LoopbackPair> CreateAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var left = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptAsync();
        await left.ConnectAsync(listener.LocalEndPoint!);
        var right = await accept;
        right.NoDelay = true;
        return new LoopbackPair(left, right);
    }

    public void Dispose()
    {
        Left.Dispose();
        Right.Dispose();
    }
}
