using System.Collections.Frozen;
using Relay.Core.Net;

namespace Relay.Core.Config;

/// <summary>
/// Original destination → service. Built once per snapshot: a service is reachable at each of
/// its endpoints and at each of its extra addresses on its port. A frozen dictionary makes the
/// per-connection lookup one hash probe (Relay.Bench RouteLookupBenchmarks).
/// </summary>
public sealed class RouteTable
{
    private readonly FrozenDictionary<NetEndpoint, ServiceSnapshot> _byDestination;

    private RouteTable(FrozenDictionary<NetEndpoint, ServiceSnapshot> byDestination) => _byDestination = byDestination;

    public int Count => _byDestination.Count;

    public static RouteTable Empty { get; } = new(FrozenDictionary<NetEndpoint, ServiceSnapshot>.Empty);

    /// <summary>Builds the table; the validator has already rejected destinations two services claim.</summary>
    public static RouteTable Build(IEnumerable<ServiceSnapshot> services)
    {
        var entries = new Dictionary<NetEndpoint, ServiceSnapshot>();
        foreach (var service in services)
        {
            foreach (var endpoint in service.Endpoints)
            {
                entries.TryAdd(endpoint, service);
            }
            foreach (var address in service.Addresses)
            {
                entries.TryAdd(new NetEndpoint(address, service.Port), service);
            }
        }
        return new RouteTable(entries.ToFrozenDictionary());
    }

    public ServiceSnapshot? Lookup(OriginalDestination destination) =>
        _byDestination.GetValueOrDefault(destination.Endpoint);

    public IEnumerable<KeyValuePair<NetEndpoint, ServiceSnapshot>> Entries => _byDestination;
}
