using System.Collections.Immutable;
using Relay.Core.Net;

namespace Relay.Core.Config;

/// <summary>
/// What mesh.yaml says about one endpoint beyond its address: labels (route subsets select on
/// them) and zone (stored for locality-aware balancing). Index i matches
/// <see cref="ServiceSnapshot.Endpoints"/>[i].
/// </summary>
public sealed record EndpointSnapshot(NetEndpoint Address, ImmutableSortedDictionary<string, string> Labels, string? Zone)
{
    /// <summary>True when every selector label is present with the same value (an empty selector matches all).</summary>
    public bool Matches(IReadOnlyDictionary<string, string> selector)
    {
        foreach (var (key, value) in selector)
        {
            if (!Labels.TryGetValue(key, out var own) || own != value)
            {
                return false;
            }
        }
        return true;
    }
}
