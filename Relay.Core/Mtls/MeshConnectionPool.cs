using System.Collections.Immutable;
using System.Net.Sockets;
using Relay.Core.Net;
using Relay.Tls.Certificates;
using Relay.Tls.Identity;

namespace Relay.Core.Mtls;

/// <summary>
/// Idle relay/2 connections are shared only between calls to the same endpoint expecting the same
/// identities, made with the credentials new handshakes use now.
/// </summary>
/// <param name="Identities">The service's list; ImmutableArray compares by reference, so a reload that rebuilds the service starts a new key and the old connections age out.</param>
/// <param name="Credentials">The material the connection was authenticated with (and the bundle its peer was checked against); compared by reference.</param>
internal readonly record struct MeshPoolKey(NetEndpoint Endpoint, ImmutableArray<SpiffeId> Identities, MeshCredentials Credentials);

/// <summary>
/// Caller-side pool of idle relay/2 connections (Linkerd and Istio's HBONE keep mesh connections
/// the same way): a new app connection to a peer Relay reuses an authenticated TLS connection
/// instead of paying a handshake. Newest first, so a quiet period lets the extras age out.
/// </summary>
internal sealed class MeshConnectionPool : IDisposable
{
    /// <summary>
    /// How long the caller keeps an idle connection. The server waits <see cref="ServerIdleTimeout"/>,
    /// four times as long, so in normal operation the caller closes first and never picks a
    /// connection the server is closing at that moment.
    /// </summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(15);

    public static readonly TimeSpan ServerIdleTimeout = TimeSpan.FromSeconds(60);

    // Enough for 64 concurrent app connections to one endpoint (the load runner's widest
    // workload) to find a warm connection each; beyond that a burst pays handshakes as before.
    private const int MaxIdlePerKey = 64;

    // Expiry needs only second resolution, like the connection registry's idle sweep.
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<MeshPoolKey, Stack<MeshChannel>> _idle = [];
    private readonly PeriodicTimer _sweep = new(SweepInterval);
    private readonly Task _sweeper;
    private bool _closed;
    private MeshCredentials _credentials;

    /// <param name="credentials">The material new handshakes use; only connections made with it are kept.</param>
    public MeshConnectionPool(MeshCredentials credentials)
    {
        _credentials = credentials;
        _sweeper = SweepAsync();
    }

    /// <summary>The newest live idle connection for the key, or null. Stale ones found on the way are closed.</summary>
    public MeshChannel? TryTake(MeshPoolKey key)
    {
        var now = Environment.TickCount64;
        while (true)
        {
            MeshChannel? channel;
            lock (_idle)
            {
                if (!_idle.TryGetValue(key, out var stack) || !stack.TryPop(out channel))
                {
                    return null;
                }
            }
            if (IsLive(channel, now))
            {
                return channel;
            }
            channel.Dispose();
        }
    }

    /// <summary>Keeps a connection whose last stream ended cleanly, unless the pool is closed or full, or it was made with credentials no longer in use.</summary>
    public void Return(MeshPoolKey key, MeshChannel channel)
    {
        channel.MarkIdle();
        lock (_idle)
        {
            if (!_closed && ReferenceEquals(key.Credentials, _credentials))
            {
                if (!_idle.TryGetValue(key, out var stack))
                {
                    _idle[key] = stack = new Stack<MeshChannel>();
                }
                if (stack.Count < MaxIdlePerKey)
                {
                    stack.Push(channel);
                    return;
                }
            }
        }
        channel.Dispose();
    }

    /// <summary>
    /// After a rotation: closes every idle connection (they were authenticated with the old
    /// material, and their peers checked against the old bundle) and from now on keeps only
    /// connections made with <paramref name="credentials"/>. Connections carrying a stream finish
    /// on the old material and are closed instead of returned.
    /// </summary>
    public void Renew(MeshCredentials credentials)
    {
        List<MeshChannel> closing;
        lock (_idle)
        {
            _credentials = credentials;
            closing = [.. _idle.Values.SelectMany(s => s)];
            _idle.Clear();
        }
        closing.ForEach(c => c.Dispose());
    }

    /// <summary>Drain: close every idle connection and keep none from now on.</summary>
    public void Close()
    {
        List<MeshChannel> closing;
        lock (_idle)
        {
            _closed = true;
            closing = [.. _idle.Values.SelectMany(s => s)];
            _idle.Clear();
        }
        closing.ForEach(c => c.Dispose());
    }

    internal void Sweep(long nowMs)
    {
        var expired = new List<MeshChannel>();
        lock (_idle)
        {
            foreach (var key in _idle.Keys.ToList())
            {
                var stack = _idle[key];
                var kept = new List<MeshChannel>(stack.Count);
                foreach (var channel in stack)
                {
                    (IsLive(channel, nowMs) ? kept : expired).Add(channel);
                }
                if (kept.Count == 0)
                {
                    _idle.Remove(key);
                }
                else if (kept.Count != stack.Count)
                {
                    // Enumeration ran newest first; rebuild so the newest is on top again.
                    kept.Reverse();
                    _idle[key] = new Stack<MeshChannel>(kept);
                }
            }
        }
        expired.ForEach(c => c.Dispose());
    }

    /// <summary>
    /// Not expired, and the server has sent nothing: an idle relay/2 connection is silent, so a
    /// readable socket means a close_notify, FIN or RST is waiting and the connection is dead.
    /// </summary>
    private static bool IsLive(MeshChannel channel, long nowMs)
    {
        if (nowMs - channel.IdleSinceMs >= (long)IdleTimeout.TotalMilliseconds)
        {
            return false;
        }
        try
        {
            return !channel.Socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private async Task SweepAsync()
    {
        while (await _sweep.WaitForNextTickAsync().ConfigureAwait(false))
        {
            Sweep(Environment.TickCount64);
        }
    }

    public void Dispose()
    {
        _sweep.Dispose();
        Close();
    }
}
