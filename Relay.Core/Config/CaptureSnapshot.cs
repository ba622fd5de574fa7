using System.Collections.Immutable;
using System.Net;

namespace Relay.Core.Config;

/// <summary>What the iptables rules capture and where captured traffic lands.</summary>
public sealed record CaptureSnapshot(
    int OutboundPort,
    int InboundPort,
    OutboundPolicy OutboundPolicy,
    string RunAsUser,
    ImmutableArray<string> ExcludeUids,
    ImmutableArray<int> ExcludeOutboundPorts,
    ImmutableArray<int> ExcludeInboundPorts,
    ImmutableArray<IPNetwork> ExcludeCidrs,
    bool Ipv6);

/// <summary>What happens to an outbound connection whose destination no service claims.</summary>
public enum OutboundPolicy
{
    /// <summary>Forward unchanged to the original destination (Istio's ALLOW_ANY).</summary>
    Passthrough,

    /// <summary>Refuse, log and count (Istio's REGISTRY_ONLY).</summary>
    RegistryOnly,
}
