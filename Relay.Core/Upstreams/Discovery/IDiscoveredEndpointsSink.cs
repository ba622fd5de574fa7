using System.Collections.Immutable;
using Relay.Core.Config;
using Relay.Core.Net;

namespace Relay.Core.Upstreams.Discovery;

/// <summary>Where a changed set goes: the runtime swaps it into the service's cluster (Runtime/DiscoveredEndpointsApplier).</summary>
internal interface IDiscoveredEndpointsSink
{
    /// <summary>Installs <paramref name="endpoints"/> for <paramref name="service"/> when the running config still discovers it from <paramref name="source"/>; false when it no longer does.</summary>
    bool Apply(string service, DnsSourceSnapshot source, ImmutableArray<NetEndpoint> endpoints);
}
