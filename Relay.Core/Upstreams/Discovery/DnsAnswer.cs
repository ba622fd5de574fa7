using System.Collections.Immutable;
using Relay.Core.Net;

namespace Relay.Core.Upstreams.Discovery;

/// <summary>What one resolution of a service's name produced.</summary>
internal enum DnsOutcome
{
    /// <summary>At least one endpoint, and the records' smallest TTL.</summary>
    Resolved,

    /// <summary>The server answered, but with no usable record (NOERROR without answers, NXDOMAIN, SRV targets without addresses).</summary>
    Empty,

    /// <summary>No usable answer: timeout, SERVFAIL, REFUSED, a network error.</summary>
    Failed,
}

/// <summary>
/// One resolution's result as a value (expected failures are not exceptions here): the
/// endpoints sorted and de-duplicated, so the same records in another order are the same set.
/// </summary>
internal sealed record DnsAnswer(DnsOutcome Outcome, ImmutableArray<NetEndpoint> Endpoints, TimeSpan Ttl, string? Error)
{
    public static DnsAnswer Resolved(IEnumerable<NetEndpoint> endpoints, TimeSpan ttl)
    {
        var set = Normalize(endpoints);
        return set.IsEmpty ? Empty("no addresses") : new(DnsOutcome.Resolved, set, ttl, null);
    }

    public static DnsAnswer Empty(string why) => new(DnsOutcome.Empty, [], TimeSpan.Zero, why);

    public static DnsAnswer Failed(string why) => new(DnsOutcome.Failed, [], TimeSpan.Zero, why);

    /// <summary>Distinct, ordered by address bytes then port: a stable identity for "did the set change".</summary>
    public static ImmutableArray<NetEndpoint> Normalize(IEnumerable<NetEndpoint> endpoints) =>
        [.. endpoints.Distinct().OrderBy(e => e.Address.GetAddressBytes(), ByteOrder.Instance).ThenBy(e => e.Port)];

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x!.Length != y!.Length ? x.Length.CompareTo(y.Length) : x.AsSpan().SequenceCompareTo(y);
    }
}
