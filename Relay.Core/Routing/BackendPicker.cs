using System.Net;
using System.Text;
using Relay.Core.Config;

namespace Relay.Core.Routing;

/// <summary>
/// Weighted choice among a route's backends. Unhashed: a uniform draw over the total weight per
/// request (or per TCP connection), so shares converge on the weights (Envoy's
/// weighted_clusters). Hashed: the key's 64-bit hash is scaled onto the same weight line, so one
/// key keeps one backend while weights stay put, and when a canary's weight grows (backends in
/// file order, the canary last) keys already on the canary stay there.
/// </summary>
internal static class BackendPicker
{
    public static RouteBackend Pick(RouteSnapshot route, ulong? hash) => route.Backends[PickIndex(route, hash, default)];

    /// <summary>
    /// The index of the backend picked under <paramref name="weights"/> (the canary guard's, where
    /// it cut a backend to 0; default: the file's). The guard never cuts the last weighted backend,
    /// so the total stays positive.
    /// </summary>
    public static int PickIndex(RouteSnapshot route, ulong? hash, System.Collections.Immutable.ImmutableArray<int> weights)
    {
        var total = weights.IsDefault ? route.TotalWeight : weights.Sum(w => (long)w);
        var point = hash is { } h ? (long)(((UInt128)h * (ulong)total) >> 64) : Random.Shared.NextInt64(total);
        for (var i = 0; i < route.Backends.Length; i++)
        {
            var weight = weights.IsDefault ? route.Backends[i].Weight : weights[i];
            if (point < weight)
            {
                return i;
            }
            point -= weight;
        }
        throw new InvalidOperationException("point beyond the route's total weight");
    }

    /// <summary>The backend whose cumulative weight range holds <paramref name="point"/> (0 ≤ point &lt; total).</summary>
    public static RouteBackend At(RouteSnapshot route, long point)
    {
        foreach (var backend in route.Backends)
        {
            if (point < backend.Weight)
            {
                return backend;
            }
            point -= backend.Weight;
        }
        throw new InvalidOperationException("point beyond the route's total weight");
    }

    /// <summary>The hash key of a request or connection, or null when the route does not hash or the header is absent.</summary>
    public static ulong? KeyOf(RouteHash? hash, Func<string, string?> header, IPAddress? client) => hash switch
    {
        null => null,
        { Header: { } name } => header(name) is { Length: > 0 } value ? Hash(Encoding.UTF8.GetBytes(value)) : null,
        _ => client is null ? null : Hash(client.GetAddressBytes()),
    };

    /// <summary>FNV-1a 64 then MurmurHash3's fmix64, so the high bits (which pick the backend) depend on every byte.</summary>
    public static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        var h = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            h = (h ^ b) * 1099511628211UL;
        }
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }
}
