using System.Net.Sockets;
using Relay.Core.Detect;

namespace Relay.Core.Mtls;

/// <summary>
/// Reads a connection's first bytes with MSG_PEEK (nothing is consumed, so whatever path is
/// chosen sees the stream from byte 0) until the detector can classify them.
/// </summary>
internal static class ProtocolPeeker
{
    // A ClientHello spread over several segments (large key shares) needs another peek once
    // more bytes arrive; MSG_PEEK cannot wait for "more", so poll at 2 ms, like Envoy's
    // tls_inspector re-peeking on each read event.
    private static readonly TimeSpan RepeekInterval = TimeSpan.FromMilliseconds(2);

    /// <returns>The protocol, or null when the peer sent nothing in time or closed first.</returns>
    public static async Task<DetectedProtocol?> PeekAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ClientHelloPeek.MaxPeekBytes);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(0, ClientHelloPeek.MaxPeekBytes), SocketFlags.Peek, deadline.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return null;
                }
                var detected = ProtocolDetector.Detect(buffer.AsSpan(0, n));
                if (detected != DetectedProtocol.NeedMore || n >= ClientHelloPeek.MaxPeekBytes)
                {
                    return detected == DetectedProtocol.NeedMore ? DetectedProtocol.OtherTls : detected;
                }
                await Task.Delay(RepeekInterval, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (SocketException)
        {
            return null;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
