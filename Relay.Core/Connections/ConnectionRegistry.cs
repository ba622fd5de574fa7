using System.Collections.Concurrent;
using System.Net.Sockets;
using Relay.Core.Vocabulary;

namespace Relay.Core.Connections;

/// <summary>
/// Every live connection, for the global limit, the idle sweep and the drain. One heartbeat
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
    private long _nextId;
    private int _count;

    public ConnectionRegistry() => _sweeper = SweepAsync();

    public int Count => Volatile.Read(ref _count);

    /// <summary>Cancelled when a drain starts: connections idle between streams close at once instead of at the deadline.</summary>
    public CancellationToken Draining => _draining.Token;

    /// <summary>
    /// The most connections the process's RLIMIT_NOFILE can hold (DescriptorBudget.ConnectionCap,
    /// set at start): past it, socket(2), accept(2) and even the runtime's own file opens fail
    /// with EMFILE, which took the whole daemon down in a test (issue 17 §5). HAProxy likewise
    /// derives its maxconn from ulimit -n.
    /// </summary>
    public int DescriptorCap { get; set; } = int.MaxValue;

    /// <summary>Registers a connection, or returns null when the global limit (or <see cref="DescriptorCap"/>) is reached.</summary>
    public ActiveConnection? TryOpen(Direction direction, Socket client, TimeSpan idleTimeout, int maxConnections)
    {
        if (Interlocked.Increment(ref _count) > Math.Min(maxConnections, DescriptorCap))
        {
            Interlocked.Decrement(ref _count);
            return null;
        }
        var connection = new ActiveConnection(Interlocked.Increment(ref _nextId), direction, client, idleTimeout);
        _connections[connection.Id] = connection;
        return connection;
    }

    public void Close(ActiveConnection connection)
    {
        if (_connections.TryRemove(connection.Id, out _))
        {
            Interlocked.Decrement(ref _count);
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
            if (connection.Activity.IdleFor(nowMs) >= connection.IdleTimeout)
            {
                connection.Abort(CloseReason.IdleTimeout);
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
