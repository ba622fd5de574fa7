using System.IO.Hashing;
using System.Net;
using System.Text;
using Relay.Core.Net;

namespace Relay.Core.Upstreams.Balancing;

/// <summary>
/// Consistent hashing (Karger et al.; Envoy's ring_hash, nginx's <c>hash consistent</c>): each
/// endpoint owns <see cref="PointsPerEndpoint"/> points on a 64-bit ring, hashed with xxHash64
/// (Envoy's ring hash function) from its address; a key goes to the first point at or after its
/// hash that belongs to a candidate. The count per endpoint is fixed, not Envoy's
/// ⌈min_ring_size/N⌉: with that, adding an endpoint also moves points of the others and keys
/// move between endpoints that stayed (measured in RingHashTests).
/// Adding or removing one endpoint moves only the keys of its own arcs (about 1/N of them), and
/// an ejected endpoint's keys go to the next owner on the ring while the rest stay put. A pick
/// without a key (no such header) is random.
/// </summary>
internal sealed class RingHashBalancer : ILoadBalancer
{
    /// <summary>
    /// 160 points per endpoint: libketama's and nginx's <c>hash consistent</c> (ketama-compatible)
    /// count; the shares of 4 endpoints stay within ±30% of even (RingHashTests).
    /// </summary>
    public const int PointsPerEndpoint = 160;

    private readonly ulong[] _points;
    private readonly int[] _owners;
    private readonly Random _random;

    public RingHashBalancer(IReadOnlyList<NetEndpoint> endpoints, Random random)
    {
        _random = random;
        var perEndpoint = PointsPerEndpoint;
        var ring = new List<(ulong Point, int Owner)>(perEndpoint * endpoints.Count);
        for (var i = 0; i < endpoints.Count; i++)
        {
            for (var j = 0; j < perEndpoint; j++)
            {
                ring.Add((Hash($"{endpoints[i]}_{j}"), i));
            }
        }
        ring.Sort((x, y) => x.Point.CompareTo(y.Point));
        _points = [.. ring.Select(p => p.Point)];
        _owners = [.. ring.Select(p => p.Owner)];
    }

    public int Pick(ReadOnlySpan<int> candidates, EndpointState[] endpoints, in PickContext context)
    {
        if (context.HashKey is not { } key || _points.Length == 0)
        {
            return candidates[_random.Next(candidates.Length)];
        }
        Span<bool> allowed = endpoints.Length <= 256 ? stackalloc bool[endpoints.Length] : new bool[endpoints.Length];
        foreach (var candidate in candidates)
        {
            allowed[candidate] = true;
        }
        var start = LowerBound(key);
        for (var step = 0; step < _points.Length; step++)
        {
            var owner = _owners[(start + step) % _points.Length];
            if (allowed[owner])
            {
                return owner;
            }
        }
        return candidates[0];
    }

    public static ulong Hash(string text) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text));

    public static ulong Hash(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        return address.TryWriteBytes(bytes, out var written) ? XxHash64.HashToUInt64(bytes[..written]) : 0;
    }

    /// <summary>The first point at or after <paramref name="key"/> (wrapping to 0).</summary>
    private int LowerBound(ulong key)
    {
        var index = Array.BinarySearch(_points, key);
        if (index < 0)
        {
            index = ~index;
        }
        return index == _points.Length ? 0 : index;
    }
}
