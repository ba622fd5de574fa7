using System.Collections.Immutable;
using Relay.Core.Config;
using Relay.Core.Net;
using Relay.Core.Upstreams.Balancing;

namespace Relay.Core.Upstreams;

/// <summary>
/// Runtime state of one service's endpoints: each endpoint's <see cref="EndpointState"/> and the
/// service's balancer. Lives as long as the service's definition is unchanged across reloads; a
/// changed definition gets a new ClusterState that takes over the states of endpoints that stayed.
/// </summary>
internal sealed class ClusterState
{
    private readonly EndpointState[] _endpoints;

    public ClusterState(ServiceSnapshot service, ClusterState? previous = null, Random? random = null)
    {
        Service = service;
        var now = Environment.TickCount64;
        var kept = previous?._endpoints.ToDictionary(e => e.Address);
        _endpoints = [.. service.Endpoints.Select(e => kept?.GetValueOrDefault(e) ?? new EndpointState(e, now))];
        Balancer = LoadBalancers.For(service, random ?? Random.Shared);
    }

    public ServiceSnapshot Service { get; }

    public ImmutableArray<NetEndpoint> Endpoints => Service.Endpoints;

    public ILoadBalancer Balancer { get; }

    public IReadOnlyList<EndpointState> States => _endpoints;

    public EndpointHealth HealthOf(int index) => _endpoints[index].Health;

    public EndpointState StateOf(int index) => _endpoints[index];

    public int[] PickOrder(long nowMs) => PickOrder(new PickContext(nowMs));

    /// <summary>
    /// The order to try endpoints for one connection (L4) or request (L7): the balancer's pick
    /// among the healthy endpoints of <paramref name="subset"/> (all endpoints when empty), then
    /// the other healthy ones as failover, then the ejected ones (still tried: an ejected
    /// endpoint beats none). When every candidate is ejected the balancer picks among them all.
    /// </summary>
    public int[] PickOrder(in PickContext context, ReadOnlySpan<int> subset = default)
    {
        var now = context.NowMs;
        var candidates = subset.IsEmpty ? AllIndices() : subset.ToArray();
        var healthy = candidates.Where(i => !_endpoints[i].Health.IsEjected(now)).ToArray();
        var pool = healthy.Length > 0 ? healthy : candidates;
        var first = Balancer.Pick(pool, _endpoints, context);
        var order = new List<int>(candidates.Length) { first };
        var at = Array.IndexOf(pool, first);
        for (var i = 1; i < pool.Length; i++)
        {
            order.Add(pool[(at + i) % pool.Length]);
        }
        if (healthy.Length > 0)
        {
            order.AddRange(candidates.Where(i => _endpoints[i].Health.IsEjected(now)));
        }
        return [.. order];
    }

    private int[] AllIndices()
    {
        var all = new int[_endpoints.Length];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = i;
        }
        return all;
    }
}
