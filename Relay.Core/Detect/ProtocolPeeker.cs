using System.Net.Sockets;

namespace Relay.Core.Detect;

/// <summary>
/// The detect stage on a socket: looks at the first bytes (with MSG_PEEK, or read and replayed
/// when they come in pieces, so whatever path is chosen sees the stream from byte 0) until the
/// detector can classify them, the byte budget is spent, the peer closes, or the detect timeout passes.
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

    /// <remarks>
    /// The common case, a first message whole in its first segment, is one MSG_PEEK: nothing is
    /// consumed, nothing replayed. A first message in several segments (a ClientHello with large
    /// key shares, a request line in several writes) needs more bytes, and MSG_PEEK cannot wait
    /// for "more than I have": the socket stays readable while any byte is queued. So the stage
    /// then takes the bytes off the socket and waits with ordinary reads, which sleep in epoll
    /// until new bytes, FIN or RST arrive, and the chosen path replays them
    /// (<see cref="Detection.Replay"/>, Linkerd's detect does the same: it reads into a buffer
    /// and hands the buffer on). Polling instead (a re-peek every 2 ms, later a 2-64 ms back-off
    /// with SO_RCVLOWAT) cost 3,000 truncated hellos 2.6-2.7× the CPU of 3,000 silent
    /// connections (issue 17 §4, docs/security.md).
    /// </remarks>
    public static async Task<Detection> PeekAsync(Socket socket, TimeSpan timeout)
    {
        var budget = ProtocolDetector.ByteBudget;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(budget);
        using var deadline = new CancellationTokenSource(timeout);
        var held = 0;
        try
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(0, budget), SocketFlags.Peek, deadline.Token).ConfigureAwait(false);
            if (n == 0)
            {
                return Detection.Closed;
            }
            if (Decided(buffer.AsSpan(0, n), budget) is { } first)
            {
                return first;
            }
            // Queued already, so this read completes at once.
            held = await socket.ReceiveAsync(buffer.AsMemory(0, n), SocketFlags.None, deadline.Token).ConfigureAwait(false);
            while (true)
            {
                var more = await socket.ReceiveAsync(buffer.AsMemory(held, budget - held), SocketFlags.None, deadline.Token).ConfigureAwait(false);
                if (more == 0)
                {
                    // FIN after a truncated first message: decided now, not at the timeout.
                    return Replaying(new Detection(ProtocolDetector.AtBudget(buffer.AsSpan(0, held)), DetectionEnd.BudgetSpent), buffer, held);
                }
                held += more;
                if (Decided(buffer.AsSpan(0, held), budget) is { } detection)
                {
                    return Replaying(detection, buffer, held);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return Replaying(Detection.TimedOut, buffer, held);
        }
        catch (SocketException)
        {
            return Replaying(Detection.Closed, buffer, held);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The detection for these bytes, or null when more are needed.</summary>
    private static Detection? Decided(ReadOnlySpan<byte> seen, int budget)
    {
        var detected = ProtocolDetector.Detect(seen);
        return detected != DetectedProtocol.NeedMore ? new Detection(detected, DetectionEnd.Recognised)
            : seen.Length >= budget ? new Detection(ProtocolDetector.AtBudget(seen), DetectionEnd.BudgetSpent)
            : null;
    }

    /// <summary>Copies the consumed bytes out of the pooled buffer: only fragmented first messages pay this.</summary>
    private static Detection Replaying(Detection detection, byte[] buffer, int held) =>
        held == 0 ? detection : detection with { Replay = buffer.AsSpan(0, held).ToArray() };
}
