using System.Net.Sockets;

namespace Relay.Core.Detect;

/// <summary>
/// The detect stage on a socket: reads the first bytes with MSG_PEEK (nothing is consumed, so
/// whatever path is chosen sees the stream from byte 0) until the detector can classify them,
/// the byte budget is spent, the peer closes, or the detect timeout passes.
/// </summary>
internal static class ProtocolPeeker
{
    /// <summary>
    /// How long a silent client is waited for before the connection is treated as opaque TCP
    /// (server-speaks-first protocols: SMTP, MySQL, SSH). Client-first clients send their first
    /// bytes within milliseconds of connecting (docs/detection.md has the measurement: p99.9 under
    /// 2 ms on loopback with the machine loaded), so 1 s misclassifies nothing real while bounding
    /// what a server-first protocol on an <c>auto</c> port pays once per connection. Linkerd waits
    /// 10 s (DEFAULT_INBOUND_DETECT_TIMEOUT); Istio's sidecar used 1 s before disabling the wait.
    /// Ports marked <c>protocol: tcp</c> never wait.
    /// </summary>
    public static readonly TimeSpan DetectTimeout = TimeSpan.FromSeconds(1);

    // A ClientHello spread over several segments (large key shares) or a request line in several
    // writes needs another peek once more bytes arrive; MSG_PEEK cannot wait for "more", so poll
    // at 2 ms, like Envoy's tls_inspector re-peeking on each read event.
    private static readonly TimeSpan RepeekInterval = TimeSpan.FromMilliseconds(2);

    public static async Task<Detection> PeekAsync(Socket socket, TimeSpan timeout)
    {
        var budget = ProtocolDetector.ByteBudget;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(budget);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(0, budget), SocketFlags.Peek, deadline.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return Detection.Closed;
                }
                var detected = ProtocolDetector.Detect(buffer.AsSpan(0, n));
                if (detected != DetectedProtocol.NeedMore)
                {
                    return new Detection(detected, DetectionEnd.Recognised);
                }
                if (n >= budget)
                {
                    return new Detection(ProtocolDetector.AtBudget(buffer.AsSpan(0, n)), DetectionEnd.BudgetSpent);
                }
                await Task.Delay(RepeekInterval, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return Detection.TimedOut;
        }
        catch (SocketException)
        {
            return Detection.Closed;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
