using System.Net;
using System.Net.Sockets;

namespace Relay.Tests.Support;

/// <summary>Ephemeral loopback ports for listeners whose port must be written into a config.</summary>
internal static class FreePorts
{
    // Every port handed out in this test process: the kernel may give a just-released ephemeral
    // port out again, and two Next() calls for one config (capture and admin ports) then collided
    // ("port 40249 is also used by capture.outbound_port", seen in a CI run).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, bool> Given = new();

    /// <summary>A free port never returned before in this process.</summary>
    public static int Next()
    {
        for (var attempt = 0; ; attempt++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            if (Given.TryAdd(port, true) || attempt >= 1_000)
            {
                return port;
            }
        }
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
            int[] ports = [.. sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port)];
            foreach (var port in ports)
            {
                Given.TryAdd(port, true);
            }
            return ports;
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }
}
