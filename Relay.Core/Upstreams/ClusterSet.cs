using System.Collections.Frozen;
using System.Collections.Immutable;
using Relay.Core.Config;
using Relay.Core.Net;

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

    /// <summary>Discovered endpoint → the service that discovered it (the config's route table cannot hold these).</summary>
    private readonly FrozenDictionary<NetEndpoint, string> _discovered;

    private ClusterSet(FrozenDictionary<string, ClusterState> byName)
    {
        _byName = byName;
        var discovered = new Dictionary<NetEndpoint, string>();
        foreach (var cluster in byName.Values.Where(c => c.Service.Discovery is not null).OrderBy(c => c.Service.Name, StringComparer.Ordinal))
        {
            foreach (var endpoint in cluster.Endpoints)
            {
                // Two services discovering one address: the first by name wins, deterministically.
                discovered.TryAdd(endpoint, cluster.Service.Name);
            }
        }
        _discovered = discovered.ToFrozenDictionary();
    }

    /// <summary>
    /// The discovered service an app reached by dialling one of its discovered endpoints directly
    /// (it resolved the name itself); null when none has it. The route table is asked first.
    /// </summary>
    public string? DiscoveredAt(NetEndpoint destination) => _discovered.GetValueOrDefault(destination);

    /// <param name="localZone">This host's <c>mesh.zone</c>: a change rebuilds every state (endpoint states still carry over).</param>
    public static ClusterSet Build(IEnumerable<ServiceSnapshot> services, ClusterSet? previous = null, string? localZone = null)
    {
        var states = new Dictionary<string, ClusterState>(StringComparer.Ordinal);
        foreach (var declared in services)
        {
            var kept = previous?._byName.GetValueOrDefault(declared.Name);
            var service = WithDiscovered(declared, kept);
            states[service.Name] = kept is not null && kept.LocalZone == localZone && SameDefinition(kept.Service, service)
                ? kept
                : new ClusterState(service, kept, localZone: localZone);
        }
        return new ClusterSet(states.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>
    /// The one entry point for DNS discovery (Upstreams/Discovery): this set with
    /// <paramref name="service"/>'s endpoints replaced, applied as a reload applies a changed
    /// service (a new <see cref="ClusterState"/> that keeps the state of endpoints that stayed, the
    /// breakers when their limits did not change). Null when the service is unknown or no longer
    /// discovered from <paramref name="source"/>, or already runs on exactly this set.
    /// </summary>
    public ClusterSet? WithEndpoints(string service, DnsSourceSnapshot source, ImmutableArray<NetEndpoint> endpoints)
    {
        if (_byName.GetValueOrDefault(service) is not { } current || current.Service.Discovery != source || current.Endpoints.SequenceEqual(endpoints))
        {
            return null;
        }
        var states = new Dictionary<string, ClusterState>(_byName, StringComparer.Ordinal)
        {
            [service] = new ClusterState(Discovered(current.Service, endpoints), current),
        };
        return new ClusterSet(states.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>A discovered service in a new snapshot has no endpoints of its own: it keeps the set its running cluster was given.</summary>
    private static ServiceSnapshot WithDiscovered(ServiceSnapshot declared, ClusterState? kept) =>
        declared.Discovery is not null && kept is not null && kept.Service.Discovery == declared.Discovery
            ? Discovered(declared, kept.Endpoints)
            : declared;

    // Discovered endpoints carry no labels or zone: DNS has neither (routes may not select subsets of them).
    private static ServiceSnapshot Discovered(ServiceSnapshot service, ImmutableArray<NetEndpoint> endpoints) => service with
    {
        Endpoints = endpoints,
        EndpointDetails = [.. endpoints.Select(e => new EndpointSnapshot(e, ImmutableSortedDictionary<string, string>.Empty, null))],
    };

    public ClusterState this[ServiceSnapshot service] => _byName[service.Name];

    public IEnumerable<ClusterState> All => _byName.Values;

    public ClusterState? Find(string service) => _byName.GetValueOrDefault(service);

    private static bool SameDefinition(ServiceSnapshot a, ServiceSnapshot b) =>
        a.Endpoints.SequenceEqual(b.Endpoints) && a.LoadBalancing == b.LoadBalancing && a.HashOn == b.HashOn
        && a.OutlierDetection == b.OutlierDetection && a.CircuitBreakers == b.CircuitBreakers && a.Discovery == b.Discovery
        && a.HealthCheck == b.HealthCheck && a.EndpointDetails.Select(e => e.Zone).SequenceEqual(b.EndpointDetails.Select(e => e.Zone));
}
