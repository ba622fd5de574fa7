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
    private int _abortReason = NoReason;
    private Action? _abort;

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

    /// <summary>Set once the upstream is connected: resets both ends.</summary>
    public void OnAbort(Action abort)
    {
        Volatile.Write(ref _abort, abort);
        if (AbortReason is not null)
        {
            abort();
        }
    }

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
