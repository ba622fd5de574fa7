using System.Collections.Frozen;
using Relay.Core.Config;

namespace Relay.Core.Upstreams;

/// <summary>
/// The cluster states for one config snapshot. Built at reload: a service whose definition did
/// not change keeps its previous state (balancer cursor, endpoint states, so its HTTP pools too);
/// a changed one gets a new state that keeps the health, in-flight count and latency of each
/// endpoint that stayed, so a reload neither forgets a slow endpoint nor re-admits an ejected one.
/// </summary>
internal sealed class ClusterSet
{
    private readonly FrozenDictionary<string, ClusterState> _byName;

    private ClusterSet(FrozenDictionary<string, ClusterState> byName) => _byName = byName;

    /// <param name="localZone">This host's <c>mesh.zone</c>: a change rebuilds every state (endpoint states still carry over).</param>
    public static ClusterSet Build(IEnumerable<ServiceSnapshot> services, ClusterSet? previous = null, string? localZone = null)
    {
        var states = new Dictionary<string, ClusterState>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            var kept = previous?._byName.GetValueOrDefault(service.Name);
            states[service.Name] = kept is not null && kept.LocalZone == localZone && SameDefinition(kept.Service, service)
                ? kept
                : new ClusterState(service, kept, localZone: localZone);
        }
        return new ClusterSet(states.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public ClusterState this[ServiceSnapshot service] => _byName[service.Name];

    public IEnumerable<ClusterState> All => _byName.Values;

    public ClusterState? Find(string service) => _byName.GetValueOrDefault(service);

    private static bool SameDefinition(ServiceSnapshot a, ServiceSnapshot b) =>
        a.Endpoints.SequenceEqual(b.Endpoints) && a.LoadBalancing == b.LoadBalancing && a.HashOn == b.HashOn
        && a.OutlierDetection == b.OutlierDetection && a.CircuitBreakers == b.CircuitBreakers && a.HealthCheck == b.HealthCheck
        && a.EndpointDetails.Select(e => e.Zone).SequenceEqual(b.EndpointDetails.Select(e => e.Zone));
}
