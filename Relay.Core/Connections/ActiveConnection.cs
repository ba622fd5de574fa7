using System.Net.Sockets;
using Relay.Core.Transport;
using Relay.Core.Vocabulary;

namespace Relay.Core.Connections;

/// <summary>
/// A live proxied connection as the registry sees it: when bytes last moved, its idle limit,
/// and how to stop it from outside. The first close reason set wins.
/// </summary>
internal sealed class ActiveConnection
{
    private const int NoReason = -1;
    private const long NoDeadline = long.MaxValue;
    private int _abortReason = NoReason;
    private Action? _abort;
    private Action? _requestClose;
    private SourceKey? _unauthenticatedSource;
    private int _sourceHeld;
    private long _firstByteDeadlineMs = NoDeadline;

    public ActiveConnection(long id, Direction direction, Socket client, TimeSpan idleTimeout)
    {
        Id = id;
        Direction = direction;
        Client = client;
        IdleTimeout = idleTimeout;
    }

    public long Id { get; }

    public Direction Direction { get; }

    public Socket Client { get; }

    public ActivityClock Activity { get; } = new();

    public TimeSpan IdleTimeout { get; set; }

    /// <summary>The listener that accepted it: when a reload removes that listener, this connection drains.</summary>
    public ListenerRetirement Listener { get; init; } = ListenerRetirement.Never;

    /// <summary>When the connection was admitted (Environment.TickCount64).</summary>
    public long OpenedAtMs { get; } = Environment.TickCount64;

    /// <summary>Set at admission for an inbound connection holding a per-source slot until it authenticates.</summary>
    internal SourceKey? UnauthenticatedSource
    {
        init
        {
            _unauthenticatedSource = value;
            _sourceHeld = value is null ? 0 : 1;
        }
    }

    /// <summary>The per-source slot to give back, exactly once across racing callers: null when none is held (any more).</summary>
    internal SourceKey? TakeUnauthenticatedSource() =>
        Interlocked.Exchange(ref _sourceHeld, 0) == 1 ? _unauthenticatedSource : null;

    /// <summary>An inbound plaintext client that has not sent a byte is closed at this time (limits.first_byte_timeout).</summary>
    public void AwaitFirstByte(TimeSpan timeout) =>
        Volatile.Write(ref _firstByteDeadlineMs, OpenedAtMs + (long)timeout.TotalMilliseconds);

    /// <summary>Whether the sweep should still watch for the first byte: a deadline is set and the client has not spoken.</summary>
    public bool AwaitingFirstByte => Volatile.Read(ref _firstByteDeadlineMs) != NoDeadline && !Activity.ClientSpoke;

    public bool FirstByteOverdue(long nowMs) => AwaitingFirstByte && nowMs >= Volatile.Read(ref _firstByteDeadlineMs);

    /// <summary>Set once the upstream is connected: resets both ends.</summary>
    public void OnAbort(Action abort)
    {
        Volatile.Write(ref _abort, abort);
        if (AbortReason is not null)
        {
            abort();
        }
    }

    /// <summary>
    /// Set by the L7 path: asks the connection to finish gracefully (HTTP/2 GOAWAY, HTTP/1.1
    /// <c>Connection: close</c> on the next response) while in-flight requests complete. A plain
    /// TCP connection has no such signal; it runs until it ends or the drain deadline resets it.
    /// </summary>
    public void OnCloseRequest(Action requestClose) => Volatile.Write(ref _requestClose, requestClose);

    /// <summary>Asks for a graceful end (idempotent); a no-op for a connection without one.</summary>
    public void RequestClose() => Volatile.Read(ref _requestClose)?.Invoke();

    public CloseReason? AbortReason =>
        Volatile.Read(ref _abortReason) is var r && r == NoReason ? null : (CloseReason)r;

    /// <summary>Stops the connection with RST on both ends; a no-op after the first call.</summary>
    public void Abort(CloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _abortReason, (int)reason, NoReason) != NoReason)
        {
            return;
        }
        if (Volatile.Read(ref _abort) is { } abort)
        {
            abort();
        }
        else
        {
            // Still connecting upstream: closing the client makes the handler give up. The handler
            // may be closing it at the same moment; the sweeper must never fault on that race.
            try
            {
                Client.LingerState = new LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                return;
            }
            Client.Dispose();
        }
    }
}
