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
        Breakers = previous?.Breakers is { } kept2 && kept2.Limits == service.CircuitBreakers ? kept2 : new CircuitBreakers(service.CircuitBreakers);
    }

    /// <summary>The service's circuit breakers; the previous state's when the limits did not change.</summary>
    public CircuitBreakers Breakers { get; }

    public ServiceSnapshot Service { get; }

    public ImmutableArray<NetEndpoint> Endpoints => Service.Endpoints;

    public ILoadBalancer Balancer { get; }

    public IReadOnlyList<EndpointState> States => _endpoints;

    public EndpointHealth HealthOf(int index) => _endpoints[index].Health;

    public EndpointState StateOf(int index) => _endpoints[index];

    public int[] PickOrder(long nowMs) => PickOrder(new PickContext(nowMs));

    /// <summary>A route backend's pick: only <paramref name="subset"/> (endpoint indexes selected by label); default or empty means every endpoint.</summary>
    public int[] PickOrder(long nowMs, ImmutableArray<int> subset) => PickOrder(new PickContext(nowMs), subset.IsDefaultOrEmpty ? default : subset.AsSpan());

    /// <summary>
    /// The order to try endpoints for one connection (L4) or request (L7): the balancer's pick
    /// among the healthy endpoints of <paramref name="subset"/> (all endpoints when empty), then
    /// the other healthy ones as failover, then the ejected ones (still tried: an ejected
    /// endpoint beats none). When every candidate is ejected the balancer picks among them all.
    /// </summary>
    public int[] PickOrder(in PickContext context, ReadOnlySpan<int> subset = default)
    {
        if (_endpoints.Length == 0)
        {
            // A discovered service before its first resolved answer: nothing to try (no_healthy_endpoint).
            return [];
        }
        var now = context.NowMs;
        var candidates = subset.IsEmpty ? AllIndices() : subset.ToArray();
        var healthy = candidates.Where(i => !_endpoints[i].Health.IsEjected(now)).ToArray();
        // Envoy's panic threshold: with too few healthy endpoints, health is ignored and the
        // balancer spreads over all, rather than piling everything onto the last few.
        var panic = healthy.Length * 100 < Service.OutlierDetection.PanicThreshold * candidates.Length;
        var pool = healthy.Length > 0 && !panic ? healthy : candidates;
        var first = Balancer.Pick(pool, _endpoints, context);
        var order = new List<int>(candidates.Length) { first };
        var at = Array.IndexOf(pool, first);
        for (var i = 1; i < pool.Length; i++)
        {
            order.Add(pool[(at + i) % pool.Length]);
        }
        if (pool != candidates)
        {
            order.AddRange(candidates.Where(i => _endpoints[i].Health.IsEjected(now)));
        }
        return [.. order];
    }

    /// <summary>
    /// Feeds one outcome to the endpoint's passive health, and ejects it when a streak reached its
    /// threshold, unless that would take the service past <c>max_ejection_percent</c> (one endpoint
    /// may always be ejected, as in Envoy, where the check is on the share already ejected).
    /// </summary>
    /// <returns>The ejection's reason when this outcome ejected the endpoint.</returns>
    public EjectionReason? Report(int index, EndpointOutcome outcome, long nowMs)
    {
        var policy = Service.OutlierDetection;
        var health = _endpoints[index].Health;
        if (health.Record(outcome, policy, nowMs) is not { } reason || health.IsEjected(nowMs))
        {
            return null;
        }
        lock (_endpoints)
        {
            var ejected = _endpoints.Count(e => e.Health.IsEjected(nowMs));
            if (ejected > 0 && (ejected + 1) * 100 > policy.MaxEjectionPercent * _endpoints.Length)
            {
                return null;
            }
            health.Eject(reason, policy, nowMs);
            return reason;
        }
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
