using System.Net;
using System.Net.Sockets;

namespace Relay.Bench.Load;

/// <summary>Loopback port checks: free before a run, accepting before a target is measured.</summary>
internal static class Ports
{
    // Polling interval while a daemon starts; its startup takes a few hundred ms.
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static IReadOnlyList<int> InUse(IEnumerable<int> ports) => [.. ports.Where(p => !IsFree(p))];

    private static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Waits until 127.0.0.1:<paramref name="port"/> accepts a connection, or the timeout passes.</summary>
    public static async Task<bool> WaitAcceptingAsync(int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(Poll, cancellationToken);
            }
        }
        return false;
    }
}
