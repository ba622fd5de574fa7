using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// Creates sockets inside a named network namespace from the test process. A socket belongs to the
/// namespace that was current on the creating thread, forever, so we switch a throw-away thread with
/// setns(2) (which affects only the calling thread for CLONE_NEWNET), create the socket there and let the
/// thread die. No pool or runtime thread is ever moved, so nothing else in the process is affected.
/// </summary>
internal static class NamespaceSockets
{
    public static Socket Create(string netns, AddressFamily family, SocketType type, ProtocolType protocol)
    {
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/var/run/netns/{netns}", FileMode.Open, FileAccess.Read);
                if (NativeMethods.setns(handle, NativeMethods.CloneNewNet) != 0)
                {
                    throw new InvalidOperationException(
                        $"setns({netns}) failed: error {Marshal.GetLastPInvokeError()}");
                }
                socket = new Socket(family, type, protocol);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        })
        {
            IsBackground = true,
            Name = $"setns-{netns}",
        };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new InvalidOperationException($"cannot create a socket in netns {netns}", failure);
        }
        return socket!;
    }
}
