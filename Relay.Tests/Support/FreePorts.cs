using System.Net;
using System.Net.Sockets;

namespace Relay.Tests.Support;

/// <summary>Ephemeral loopback ports for listeners whose port must be written into a config.</summary>
internal static class FreePorts
{
    public static int Next()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>
    /// <paramref name="count"/> different ports: all are bound at once before any is released, so the
    /// kernel cannot hand the same ephemeral port out twice (consecutive <see cref="Next"/> calls can).
    /// </summary>
    public static int[] Distinct(int count)
    {
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }
            return [.. sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port)];
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }
}
