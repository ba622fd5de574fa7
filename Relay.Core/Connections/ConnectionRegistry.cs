using System.Collections.Concurrent;
using System.Net.Sockets;
using Relay.Core.Config;
using Relay.Core.Vocabulary;

namespace Relay.Core.Connections;

/// <summary>
/// Every live connection, for the per-direction and per-source limits, the idle and first-byte
/// sweep, the drain of a removed listener's connections and the daemon's drain. One heartbeat
/// scans the set each second (Kestrel's model) instead of one timer per connection.
/// </summary>
internal sealed class ConnectionRegistry : IAsyncDisposable
{
    // One-second resolution is enough for idle timeouts measured in seconds to hours.
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<long, ActiveConnection> _connections = new();
    private readonly PeriodicTimer _heartbeat = new(HeartbeatInterval);
    private readonly CancellationTokenSource _draining = new();
    private readonly Task _sweeper;
    private readonly UnauthenticatedSources _unauthenticated = new();
    private long _nextId;
    private int _inbound;
    private int _outbound;

    public ConnectionRegistry() => _sweeper = SweepAsync();

    public int Count => Volatile.Read(ref _inbound) + Volatile.Read(ref _outbound);

    public int CountOf(Direction direction) => direction == Direction.Inbound ? Volatile.Read(ref _inbound) : Volatile.Read(ref _outbound);

    /// <summary>Sources holding unauthenticated inbound connections now.</summary>
    public int UnauthenticatedSourceCount => _unauthenticated.Sources;

    /// <summary>Cancelled when a drain starts: connections idle between streams close at once instead of at the deadline.</summary>
    public CancellationToken Draining => _draining.Token;

    /// <summary>
    /// The most connections the process's RLIMIT_NOFILE can hold (DescriptorBudget.ConnectionCap,
    /// set at start): past it, socket(2), accept(2) and even the runtime's own file opens fail
    /// with EMFILE, which took the whole daemon down in a test (issue 17 §5). HAProxy likewise
    /// derives its maxconn from ulimit -n. Split between the directions in proportion to their
    /// limits, so that descriptors, like slots, are never all taken by one direction (§2).
    /// </summary>
    public int DescriptorCap { get; set; } = int.MaxValue;

    /// <summary>
    /// Registers a connection under its direction's limit and, inbound, its source's limit on
    /// unauthenticated connections; or returns the refusal.
    /// </summary>
    public (ActiveConnection? Connection, CloseReason Refusal) TryOpen(
        Direction direction, Socket client, LimitsSnapshot limits, ListenerRetirement? listener = null)
    {
        ref var count = ref direction == Direction.Inbound ? ref _inbound : ref _outbound;
        if (Interlocked.Increment(ref count) > CapFor(direction, limits))
        {
            Interlocked.Decrement(ref count);
            return (null, CloseReason.MaxConnectionsExceeded);
        }
        var source = direction == Direction.Inbound ? SourceKey.Of(client.RemoteEndPoint) : null;
        if (source is { } key && !_unauthenticated.TryAcquire(key, limits.MaxUnauthenticatedPerSource))
        {
            Interlocked.Decrement(ref count);
            return (null, CloseReason.SourceLimitExceeded);
        }
        var connection = new ActiveConnection(Interlocked.Increment(ref _nextId), direction, client, limits.IdleTimeout)
        {
            UnauthenticatedSource = source,
            Listener = listener ?? ListenerRetirement.Never,
        };
        _connections[connection.Id] = connection;
        return (connection, CloseReason.Completed);
    }

    /// <summary>This direction's limit, and its share of <see cref="DescriptorCap"/>.</summary>
    internal int CapFor(Direction direction, LimitsSnapshot limits)
    {
        var limit = limits.MaxFor(direction);
        var share = (long)DescriptorCap * limit / ((long)limits.MaxInboundConnections + limits.MaxOutboundConnections);
        return (int)Math.Min(limit, Math.Max(1, share));
    }

    /// <summary>The caller authenticated (mesh handshake done) or, plaintext, spoke: its source's slot is free again.</summary>
    public void Authenticated(ActiveConnection connection)
    {
        if (connection.TakeUnauthenticatedSource() is { } source)
        {
            _unauthenticated.Release(source);
        }
    }

    public void Close(ActiveConnection connection)
    {
        Authenticated(connection);
        if (_connections.TryRemove(connection.Id, out _))
        {
            Interlocked.Decrement(ref connection.Direction == Direction.Inbound ? ref _inbound : ref _outbound);
        }
    }

    /// <summary>Waits for live connections to finish, then resets what is left.</summary>
    public async Task DrainAsync(TimeSpan deadline, CancellationToken cancellationToken = default)
    {
        var until = Environment.TickCount64 + (long)deadline.TotalMilliseconds;
        if (!_draining.IsCancellationRequested)
        {
            await _draining.CancelAsync().ConfigureAwait(false);
        }
        // 50 ms polling: drain waits are seconds long, and this keeps shutdown latency low.
        while (Count > 0 && Environment.TickCount64 < until && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        }
        foreach (var connection in _connections.Values)
        {
            connection.Abort(CloseReason.DrainDeadline);
        }
    }

    internal void SweepIdle(long nowMs)
    {
        foreach (var connection in _connections.Values)
        {
            if (connection.Listener.Retired)
            {
                if (nowMs >= connection.Listener.DeadlineMs)
                {
                    connection.Abort(CloseReason.DrainDeadline);
                    continue;
                }
                // Every tick until it ends: Kestrel may only now have taken up a connection that
                // was handed to it just before the removal, and a repeated request is a no-op.
                connection.RequestClose();
            }
            if (connection.Activity.IdleFor(nowMs) >= connection.IdleTimeout)
            {
                connection.Abort(CloseReason.IdleTimeout);
            }
            else if (connection.FirstByteOverdue(nowMs))
            {
                connection.Abort(CloseReason.FirstByteTimeout);
            }
            else if (connection.Activity.ClientSpoke)
            {
                // A plaintext caller's first byte frees its source's slot (within this 1 s tick).
                Authenticated(connection);
            }
        }
    }

    private async Task SweepAsync()
    {
        while (await _heartbeat.WaitForNextTickAsync().ConfigureAwait(false))
        {
            SweepIdle(Environment.TickCount64);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _heartbeat.Dispose();
        await _sweeper.ConfigureAwait(false);
        _draining.Dispose();
    }
}
