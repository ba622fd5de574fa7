using System.Collections.Frozen;
using Relay.Core.Config;

namespace Relay.Core.Connections;

/// <summary>
/// The token buckets of the inbound ports (System.Threading.RateLimiting): requests per port (L7)
/// and new connections per port (any protocol). Built at reload; a port whose limit did not
/// change keeps its bucket, so a reload neither refills nor empties it.
/// </summary>
internal sealed class InboundRateLimits
{
    public static readonly InboundRateLimits None = new(FrozenDictionary<(int, bool), RateLimitBucket>.Empty);

    private readonly FrozenDictionary<(int Port, bool Connections), RateLimitBucket> _buckets;

    private InboundRateLimits(FrozenDictionary<(int, bool), RateLimitBucket> buckets) => _buckets = buckets;

    public static InboundRateLimits Build(IEnumerable<InboundPortSnapshot> ports, InboundRateLimits? previous)
    {
        var buckets = new Dictionary<(int, bool), RateLimitBucket>();
        foreach (var port in ports)
        {
            Add(buckets, (port.Port, false), port.RateLimit, previous);
            Add(buckets, (port.Port, true), port.ConnectionRateLimit, previous);
        }
        return new InboundRateLimits(buckets.ToFrozenDictionary());
    }

    /// <summary>Takes a request token of <paramref name="port"/>; false with how long until one is due when none is left.</summary>
    public bool TryRequest(int port, out TimeSpan retryAfter) => TryTake((port, false), out retryAfter);

    /// <summary>Takes a new-connection token of <paramref name="port"/>.</summary>
    public bool TryConnection(int port) => TryTake((port, true), out _);

    private bool TryTake((int, bool) key, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        return !_buckets.TryGetValue(key, out var bucket) || bucket.TryTake(out retryAfter);
    }

    private static void Add(Dictionary<(int, bool), RateLimitBucket> buckets, (int, bool) key, RateLimitSnapshot? limit, InboundRateLimits? previous)
    {
        if (limit is not null)
        {
            buckets[key] = RateLimitBucket.Keep(previous?._buckets.GetValueOrDefault(key), limit);
        }
    }
}
