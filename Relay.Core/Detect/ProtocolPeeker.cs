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
    /// bytes within milliseconds of being accepted (docs/detection.md, bench/first-byte.py: at most
    /// 37 ms over 600 curl runs on a loaded 2-core machine), so 1 s misclassifies nothing real while bounding
    /// what a server-first protocol on an <c>auto</c> port pays once per connection. Linkerd waits
    /// 10 s (DEFAULT_INBOUND_DETECT_TIMEOUT); Istio's sidecar used 1 s before disabling the wait.
    /// Ports marked <c>protocol: tcp</c> never wait.
    /// </summary>
    public static readonly TimeSpan DetectTimeout = TimeSpan.FromSeconds(1);

    // A ClientHello spread over several segments (large key shares) or a request line in several
    // writes needs another peek once more bytes arrive, and MSG_PEEK cannot wait for "more": the
    // socket stays readable while any byte is queued. So the wait is a back-off, 2 ms first (the
    // next segment of a real hello is one RTT behind) doubling to 64 ms, and each wake-up first
    // asks the kernel, without a read, whether anything changed: SO_RCVLOWAT = bytes seen + 1
    // makes poll(2) report readable only on new bytes, FIN or RST. A fixed 2 ms re-peek cost
    // 3,000 truncated hellos 1-1.3 cores for their whole second (issue 17 §4); FIN after a
    // truncated hello ends detection at the next wake-up instead of at the timeout.
    private static readonly TimeSpan FirstRepeek = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan MaxRepeek = TimeSpan.FromMilliseconds(64);

    public static async Task<Detection> PeekAsync(Socket socket, TimeSpan timeout)
    {
        var budget = ProtocolDetector.ByteBudget;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(budget);
        using var deadline = new CancellationTokenSource(timeout);
        var wait = FirstRepeek;
        var seen = 0;
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(0, budget), SocketFlags.Peek, deadline.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return Detection.Closed;
                }
                if (n == seen)
                {
                    // Readable with nothing new: the peer sent FIN (or RST) after a truncated first message.
                    return new Detection(ProtocolDetector.AtBudget(buffer.AsSpan(0, n)), DetectionEnd.BudgetSpent);
                }
                seen = n;
                var detected = ProtocolDetector.Detect(buffer.AsSpan(0, n));
                if (detected != DetectedProtocol.NeedMore)
                {
                    return new Detection(detected, DetectionEnd.Recognised);
                }
                if (n >= budget)
                {
                    return new Detection(ProtocolDetector.AtBudget(buffer.AsSpan(0, n)), DetectionEnd.BudgetSpent);
                }
                wait = await WaitForMoreAsync(socket, n, wait, deadline.Token).ConfigureAwait(false);
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
            RestoreLowWater(socket, seen);
        }
    }

    /// <summary>Sleeps with back-off until poll(2) says more than <paramref name="seen"/> bytes, FIN or RST are there; returns the next back-off.</summary>
    private static async Task<TimeSpan> WaitForMoreAsync(Socket socket, int seen, TimeSpan wait, CancellationToken cancellationToken)
    {
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveLowWater, seen + 1);
        while (true)
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxRepeek.Ticks));
            if (socket.Poll(0, SelectMode.SelectRead))
            {
                return wait;
            }
        }
    }

    /// <summary>The data path's reads and epoll wake-ups must see every byte again: back to the default of 1.</summary>
    private static void RestoreLowWater(Socket socket, int seen)
    {
        if (seen == 0)
        {
            return;
        }
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveLowWater, 1);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The connection is gone; nothing reads from it again.
        }
    }
}
