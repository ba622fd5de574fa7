using System.Collections.Immutable;
using Relay.Core.Net;

namespace Relay.Core.Config;

/// <summary>
/// mesh.yaml <c>discovery</c>, compiled: the DNS servers asked (empty: the host's
/// /etc/resolv.conf name servers), the bounds a record's TTL is clamped to before it sets the
/// next refresh, and the time one query may take.
/// </summary>
public sealed record DiscoverySnapshot(ImmutableArray<NetEndpoint> Resolvers, TimeSpan MinTtl, TimeSpan MaxTtl, TimeSpan QueryTimeout)
{
    public static DiscoverySnapshot Default { get; } = new([], ConfigDefaults.DiscoveryMinTtl, ConfigDefaults.DiscoveryMaxTtl, ConfigDefaults.DiscoveryQueryTimeout);

    public bool Equals(DiscoverySnapshot? other) =>
        other is not null && Resolvers.SequenceEqual(other.Resolvers) && MinTtl == other.MinTtl && MaxTtl == other.MaxTtl && QueryTimeout == other.QueryTimeout;

    public override int GetHashCode() => HashCode.Combine(Resolvers.Length, MinTtl, MaxTtl, QueryTimeout);
}
