using System.Net;

namespace Relay.Core.Config;

/// <summary>mesh.yaml <c>capture</c>: what iptables redirects to Relay and what it leaves alone.</summary>
internal sealed record CaptureConfig(
    ConfigLocation Location,
    Located<int>? OutboundPort,
    Located<int>? InboundPort,
    Located<string>? RunAs,
    ConfigList<string>? ExcludeUids,
    ConfigList<int>? ExcludeOutboundPorts,
    ConfigList<int>? ExcludeInboundPorts,
    ConfigList<IPNetwork>? ExcludeCidrs,
    Located<OutboundPolicy>? OutboundPolicy,
    Located<bool>? Ipv6)
{
    public static CaptureConfig Empty(ConfigLocation at) => new(at, null, null, null, null, null, null, null, null, null);
}
