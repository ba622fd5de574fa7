namespace Relay.Core.Transport;

/// <summary>The exceptions a peer can cause on a data-path stream; anything else is a bug and propagates.</summary>
internal static class TransportFailure
{
    public static bool Is(Exception ex) =>
        ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException
            or OperationCanceledException or System.Security.Authentication.AuthenticationException;
}
