using System.Collections.Frozen;
using System.Threading.RateLimiting;
using Relay.Core.Config;

namespace Relay.Core.Connections;

/// <summary>
/// The token buckets of the inbound ports (System.Threading.RateLimiting): requests per port (L7)
/// and new connections per port (any protocol). Built at reload; a port whose limit did not
/// change keeps its bucket, so a reload neither refills nor empties it.
/// </summary>
internal sealed class InboundRateLimits
{
    public static readonly InboundRateLimits None = new(FrozenDictionary<(int, bool), Bucket>.Empty);

    private readonly FrozenDictionary<(int Port, bool Connections), Bucket> _buckets;

    private InboundRateLimits(FrozenDictionary<(int, bool), Bucket> buckets) => _buckets = buckets;

    public static InboundRateLimits Build(IEnumerable<InboundPortSnapshot> ports, InboundRateLimits? previous)
    {
        var buckets = new Dictionary<(int, bool), Bucket>();
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
        if (!_buckets.TryGetValue(key, out var bucket))
        {
            return true;
        }
        using var lease = bucket.Limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return true;
        }
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        return false;
    }

    private static void Add(Dictionary<(int, bool), Bucket> buckets, (int, bool) key, RateLimitSnapshot? limit, InboundRateLimits? previous)
    {
        if (limit is null)
        {
            return;
        }
        buckets[key] = previous?._buckets.GetValueOrDefault(key) is { } kept && kept.Limit == limit ? kept : new Bucket(limit);
    }

    private sealed class Bucket(RateLimitSnapshot limit)
    {
        public RateLimitSnapshot Limit { get; } = limit;

        /// <summary>
        /// Refilled every 1/10 s with a tenth of the rate (at least one token, so slow rates
        /// refill one token at a time): smooth enough that a client held back is told to retry in
        /// at most 100 ms at ≥ 10/s, and the timer costs ten wakes a second per limited port.
        /// </summary>
        public TokenBucketRateLimiter Limiter { get; } = new(new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit.Burst,
            TokensPerPeriod = Math.Max(1, limit.PerSecond / 10),
            ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, limit.PerSecond / 10) / (double)limit.PerSecond),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
