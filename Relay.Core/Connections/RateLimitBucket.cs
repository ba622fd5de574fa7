using System.Threading.RateLimiting;
using Relay.Core.Config;

namespace Relay.Core.Connections;

/// <summary>One token bucket (System.Threading.RateLimiting) for an inbound port or a route; never queues.</summary>
internal sealed class RateLimitBucket(RateLimitSnapshot limit)
{
    public RateLimitSnapshot Limit { get; } = limit;

    /// <summary>
    /// Refilled every 1/10 s with a tenth of the rate (at least one token, so slow rates
    /// refill one token at a time): smooth enough that a client held back is told to retry in
    /// at most 100 ms at ≥ 10/s, and the timer costs ten wakes a second per limited port or route.
    /// </summary>
    private readonly TokenBucketRateLimiter _limiter = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = limit.Burst,
        TokensPerPeriod = Math.Max(1, limit.PerSecond / 10),
        ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, limit.PerSecond / 10) / (double)limit.PerSecond),
        QueueLimit = 0,
        AutoReplenishment = true,
    });

    /// <summary>Takes a token; false with how long until one is due when none is left.</summary>
    public bool TryTake(out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        using var lease = _limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return true;
        }
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        return false;
    }

    /// <summary>The previous config's bucket when its limit is the same (a reload neither refills nor empties it), else a new, full one.</summary>
    public static RateLimitBucket Keep(RateLimitBucket? previous, RateLimitSnapshot limit) =>
        previous is not null && previous.Limit == limit ? previous : new RateLimitBucket(limit);
}
