using System.Collections.Immutable;
using Relay.Core.Config;

namespace Relay.Core.Lifecycle;

/// <summary>
/// The capture both of two configs agree on: inbound ports both capture, every exclusion either
/// makes, IPv6 only if both capture it, redirected to the old config's listeners (still open
/// during a reload). Traffic captured under these rules is traffic either snapshot handles the
/// same way, which is what lets a reload change rules and snapshot without a gap.
/// </summary>
internal static class CaptureIntersection
{
    public static (CaptureSnapshot Capture, ImmutableArray<int> InboundPorts) Of(ConfigSnapshot from, ConfigSnapshot to)
    {
        var a = from.Capture;
        var b = to.Capture;
        var capture = a with
        {
            // A changed run_as is excluded too: its uid's own upstream traffic must never loop back.
            ExcludeUids = Union(a.ExcludeUids, b.RunAsUser == a.RunAsUser ? b.ExcludeUids : b.ExcludeUids.Add(b.RunAsUser)),
            ExcludeOutboundPorts = Union(a.ExcludeOutboundPorts, b.ExcludeOutboundPorts),
            ExcludeInboundPorts = Union(a.ExcludeInboundPorts, b.ExcludeInboundPorts),
            ExcludeCidrs = Union(a.ExcludeCidrs, b.ExcludeCidrs),
            Ipv6 = a.Ipv6 && b.Ipv6,
        };
        var toPorts = to.Inbound.Select(p => p.Port).ToHashSet();
        return (capture, [.. from.Inbound.Select(p => p.Port).Where(toPorts.Contains)]);
    }

    private static ImmutableArray<T> Union<T>(ImmutableArray<T> a, ImmutableArray<T> b) => [.. a.Concat(b).Distinct()];
}
