namespace Relay.Core.Connections;

/// <summary>
/// How many inbound connections each source holds before authenticating (issue 17 §2): a caller
/// that has not yet completed the mesh handshake, or a plaintext caller that has not sent a
/// byte, has proven nothing, so one source may hold only so many of those at once. Once
/// authenticated a connection no longer counts; other Relays' pooled connections are never capped.
/// </summary>
internal sealed class UnauthenticatedSources
{
    // A lock, not a ConcurrentDictionary of counters: an entry must disappear at zero without a
    // racing acquire reviving a removed counter. It is taken twice per inbound connection.
    private readonly Dictionary<SourceKey, int> _held = new();
    private readonly Lock _lock = new();

    /// <summary>Sources holding at least one unauthenticated connection (for tests and the /metrics gauge later).</summary>
    public int Sources
    {
        get
        {
            lock (_lock)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Takes a slot for <paramref name="source"/>; false when it already holds <paramref name="limit"/>.</summary>
    public bool TryAcquire(SourceKey source, int limit)
    {
        lock (_lock)
        {
            _held.TryGetValue(source, out var held);
            if (held >= limit)
            {
                return false;
            }
            _held[source] = held + 1;
            return true;
        }
    }

    public void Release(SourceKey source)
    {
        lock (_lock)
        {
            if (_held.TryGetValue(source, out var held))
            {
                if (held <= 1)
                {
                    _held.Remove(source);
                }
                else
                {
                    _held[source] = held - 1;
                }
            }
        }
    }
}
