using System.Collections.Frozen;
using Relay.Core.Config;

namespace Relay.Core.Connections;

/// <summary>
/// The token buckets of the routes with a <c>rate_limit</c>, one per (service, route name): the
/// route's requests share it, whichever connection or client they come on (Envoy's local rate
/// limit per route). Built at reload; a route whose limit did not change keeps its bucket.
/// </summary>
internal sealed class RouteRateLimits
{
    public static readonly RouteRateLimits None = new(FrozenDictionary<(string, string), RateLimitBucket>.Empty);

    private readonly FrozenDictionary<(string Service, string Route), RateLimitBucket> _buckets;

    private RouteRateLimits(FrozenDictionary<(string, string), RateLimitBucket> buckets) => _buckets = buckets;

    public static RouteRateLimits Build(IEnumerable<ServiceSnapshot> services, RouteRateLimits? previous)
    {
        var buckets = new Dictionary<(string, string), RateLimitBucket>();
        foreach (var service in services)
        {
            foreach (var route in service.Routes.Where(r => r.RateLimit is not null))
            {
                var key = (service.Name, route.Name);
                buckets[key] = RateLimitBucket.Keep(previous?._buckets.GetValueOrDefault(key), route.RateLimit!);
            }
        }
        return buckets.Count == 0 ? None : new RouteRateLimits(buckets.ToFrozenDictionary());
    }

    /// <summary>Takes a token of the route's bucket; false with how long until one is due when none is left. A route without a limit always passes.</summary>
    public bool TryRequest(string service, RouteSnapshot route, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        return route.RateLimit is null || !_buckets.TryGetValue((service, route.Name), out var bucket) || bucket.TryTake(out retryAfter);
    }
}
