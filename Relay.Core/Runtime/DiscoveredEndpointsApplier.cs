using System.Collections.Immutable;
using Relay.Core.Config;
using Relay.Core.Connections;
using Relay.Core.Net;
using Relay.Core.Upstreams.Discovery;

namespace Relay.Core.Runtime;

/// <summary>
/// Applies a discovered set like a reload applies a changed service, without a new snapshot: the
/// running <see cref="ActiveConfig"/> is copied with one cluster replaced
/// (<see cref="Upstreams.ClusterSet.WithEndpoints"/>) and swapped in atomically. Live connections
/// keep the config they were accepted under, so none is dropped; new connections (L4) and new
/// requests (L7, each routed under the current config) use the new set.
/// </summary>
internal sealed class DiscoveredEndpointsApplier(ActiveConfigHolder config) : IDiscoveredEndpointsSink
{
    public bool Apply(string service, DnsSourceSnapshot source, ImmutableArray<NetEndpoint> endpoints) =>
        config.Update(active => active.Clusters.WithEndpoints(service, source, endpoints) is { } clusters
            ? active with { Clusters = clusters }
            : null);
}
