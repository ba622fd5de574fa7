using System.Collections.Immutable;
using System.Net;
using Relay.Core.Config;

namespace Relay.Tests.Iptables;

/// <summary>CaptureSnapshot values for the iptables tests: the mesh.yaml defaults unless a test says otherwise.</summary>
internal static class CaptureSnapshots
{
    public static CaptureSnapshot Default(
        string runAs = "relay",
        ImmutableArray<string>? excludeUids = null,
        ImmutableArray<int>? excludeOutboundPorts = null,
        ImmutableArray<int>? excludeInboundPorts = null,
        ImmutableArray<IPNetwork>? excludeCidrs = null,
        bool ipv6 = false) =>
        new(
            OutboundPort: 15001,
            InboundPort: 15006,
            OutboundPolicy: OutboundPolicy.Passthrough,
            RunAsUser: runAs,
            ExcludeUids: excludeUids ?? [],
            ExcludeOutboundPorts: excludeOutboundPorts ?? [],
            ExcludeInboundPorts: excludeInboundPorts ?? [22],
            ExcludeCidrs: excludeCidrs ?? [],
            Ipv6: ipv6);

    /// <summary>A fake passwd: relay is 998, app is 1000, everything else is unknown.</summary>
    public static int? Lookup(string name) => name switch
    {
        "relay" => 998,
        "app" => 1000,
        _ => null,
    };

    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
