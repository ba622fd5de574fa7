using System.Net.Sockets;

namespace Relay.Core.Net;

/// <summary>
/// The socket errors that mean the process or the host is out of descriptors or buffers, not
/// that a peer misbehaved: EMFILE (the process's RLIMIT_NOFILE), ENFILE (the system's file
/// table), ENOBUFS/ENOMEM. They close as <c>resource_exhausted</c> (issue 17 §5), never mark an
/// endpoint unhealthy, and are logged at most once per interval.
/// </summary>
internal static class ResourceExhaustion
{
    private const int Enfile = 23;
    private const int Emfile = 24;

    public static bool Is(SocketException ex) =>
        ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable
        || ex.NativeErrorCode is Enfile or Emfile;
}
