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
}
