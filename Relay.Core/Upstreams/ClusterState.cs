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

    private readonly Random _random;

    public ClusterState(ServiceSnapshot service, ClusterState? previous = null, Random? random = null, string? localZone = null)
    {
        Service = service;
        LocalZone = localZone;
        _random = random ?? Random.Shared;
        var now = Environment.TickCount64;
        var kept = previous?._endpoints.ToDictionary(e => e.Address);
        _endpoints = [.. service.Endpoints.Select(e => kept?.GetValueOrDefault(e) ?? new EndpointState(e, now))];
        Balancer = LoadBalancers.For(service, _random);
        _retiredEjections = Retired(previous, kept, _endpoints);
        Breakers = previous?.Breakers is { } kept2 && kept2.Limits == service.CircuitBreakers ? kept2 : new CircuitBreakers(service.CircuitBreakers, previous?.Breakers);
    }

    /// <summary>The service's circuit breakers; the previous state's when the limits did not change.</summary>
    public CircuitBreakers Breakers { get; }

    public ServiceSnapshot Service { get; }

    /// <summary>This host's <c>mesh.zone</c>, the zone preferred when endpoints have zones; null: no preference.</summary>
    public string? LocalZone { get; }

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
    /// the other healthy ones as failover, then the unhealthy ones (still tried: an unhealthy
    /// endpoint beats none). Healthy means not ejected by outlier detection and, when the service
    /// has a health_check, passing it. When this host has a zone, the local zone's endpoints are
    /// preferred as <see cref="ZoneSpill"/> computes, and the other zone's endpoints follow as failover.
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
        var healthy = 0;
        foreach (var i in candidates)
        {
            healthy += IsHealthy(i, now) ? 1 : 0;
        }
        // Envoy's panic threshold: with too few healthy endpoints, health is ignored and the
        // balancer spreads over all, rather than piling everything onto the last few.
        var panic = healthy * 100 < Service.OutlierDetection.PanicThreshold * candidates.Length;
        return !panic && LocalTier(candidates) is { } local
            ? PickByZone(candidates, local, now, context)
            : PickWithin(candidates, now, context, panic);
    }

    /// <summary>
    /// With a zone that splits the candidates: the local tier first (or the remote one, as the
    /// spill share draws), then the other tier's healthy and unhealthy endpoints as failover. Its
    /// own method so that the lambdas' closure over <paramref name="now"/> is made only here, not
    /// on every pick.
    /// </summary>
    private int[] PickByZone(int[] candidates, int[] local, long now, in PickContext context)
    {
        var remote = candidates.Except(local).ToArray();
        var share = ZoneSpill.LocalShare(local.Count(i => IsHealthy(i, now)), local.Length, remote.Count(i => IsHealthy(i, now)), remote.Length);
        var (first, then) = share >= 1 || (share > 0 && _random.NextDouble() < share) ? (local, remote) : (remote, local);
        return [.. PickWithin(first, now, context), .. Healthy(then, now, true), .. Healthy(then, now, false)];
    }

    /// <summary>Whether endpoint <paramref name="index"/> may take traffic: not ejected, and passing its health checks if it has any.</summary>
    public bool IsHealthy(int index, long nowMs) =>
        !_endpoints[index].Health.IsEjected(nowMs) && (Service.HealthCheck is null || _endpoints[index].Active.IsHealthy);

    private int[] PickWithin(int[] candidates, long now, in PickContext context, bool? panic = null)
    {
        // Once per L7 request: no LINQ, one array out (the LINQ version was ~10% of relay-http's
        // bytes allocated per request, dotnet-trace gc-verbose, 2026-12-02; docs/performance.md).
        // Healthy ones from the front, unhealthy ones from the back (reversed), in one pass, so a
        // health flip meanwhile cannot make the two parts disagree.
        var split = candidates.Length <= 64 ? stackalloc int[candidates.Length] : new int[candidates.Length];
        var healthyCount = 0;
        var unhealthyAt = candidates.Length;
        foreach (var i in candidates)
        {
            if (IsHealthy(i, now))
            {
                split[healthyCount++] = i;
            }
            else
            {
                split[--unhealthyAt] = i;
            }
        }
        var healthy = split[..healthyCount];
        var all = panic ?? healthyCount * 100 < Service.OutlierDetection.PanicThreshold * candidates.Length;
        var fromHealthy = healthyCount > 0 && !all;
        ReadOnlySpan<int> pool = fromHealthy ? healthy : candidates;
        var first = Balancer.Pick(pool, _endpoints, context);
        // The pick, the rest of the pool after it (wrapping), then, when the pool was the healthy
        // ones, the unhealthy candidates in their order.
        var order = new int[fromHealthy ? candidates.Length : pool.Length];
        var at = pool.IndexOf(first);
        for (var i = 0; i < pool.Length; i++)
        {
            order[i] = pool[(at + i) % pool.Length];
        }
        if (fromHealthy)
        {
            for (int from = candidates.Length - 1, to = pool.Length; from >= healthyCount; from--, to++)
            {
                order[to] = split[from];
            }
        }
        return order;
    }

    private IEnumerable<int> Healthy(int[] candidates, long now, bool healthy) => candidates.Where(i => IsHealthy(i, now) == healthy);

    /// <summary>
    /// <c>same</c> or <c>cross</c>: the zone of <paramref name="endpoint"/> against this host's
    /// (<c>-</c> when it has none, or is not one of this service's endpoints); null when this host
    /// has no zone. Compares typed endpoints: nothing is formatted per connection or request.
    /// </summary>
    public string? LocalityOf(NetEndpoint? endpoint) =>
        LocalZone is null ? null : LocalityAt(endpoint is { } e ? Endpoints.IndexOf(e) : -1);

    /// <summary>The same for an endpoint as the access log writes it (<c>198.18.0.2:8080</c>; <c>-</c> for none).</summary>
    public string? LocalityOf(string endpoint) =>
        LocalZone is null ? null : LocalityAt(Array.IndexOf(EndpointLabels, endpoint));

    /// <summary>The endpoints as text, formatted once per cluster (the L7 path names its endpoint by this text).</summary>
    private string[] EndpointLabels => _endpointLabels ??= [.. Endpoints.Select(e => e.ToString())];

    private string[]? _endpointLabels;

    private string LocalityAt(int index)
    {
        var details = Service.EndpointDetails;
        return index < 0 || index >= details.Length || details[index].Zone is not { } theirs
            ? Observability.MetricNames.NoLocality
            : theirs == LocalZone ? Observability.MetricNames.SameZone : Observability.MetricNames.CrossZone;
    }

    /// <summary>The candidates in this host's zone, when there is a zone and it splits them (some local, some not); else null.</summary>
    private int[]? LocalTier(int[] candidates)
    {
        if (LocalZone is not { } zone)
        {
            return null;
        }
        var details = Service.EndpointDetails;
        var local = candidates.Where(i => i < details.Length && details[i].Zone == zone).ToArray();
        return local.Length > 0 && local.Length < candidates.Length ? local : null;
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
            // A loop, not Count(lambda): the lambda's closure over nowMs was allocated on every
            // call of this method, i.e. once per L7 request.
            var ejected = 0;
            foreach (var endpoint in _endpoints)
            {
                ejected += endpoint.Health.IsEjected(nowMs) ? 1 : 0;
            }
            if (ejected > 0 && (ejected + 1) * 100 > policy.MaxEjectionPercent * _endpoints.Length)
            {
                return null;
            }
            health.Eject(reason, policy, nowMs);
            return reason;
        }
    }

    private readonly long[] _retiredEjections;

    /// <summary>Ejections of endpoints that reloads removed from this service, so relay_outlier_ejections_total stays monotonic.</summary>
    public long RetiredEjections(EjectionReason reason) => _retiredEjections[(int)reason];

    private static long[] Retired(ClusterState? previous, Dictionary<NetEndpoint, EndpointState>? kept, EndpointState[] now)
    {
        var retired = previous?._retiredEjections.ToArray() ?? new long[Enum.GetValues<EjectionReason>().Length];
        foreach (var gone in kept?.Values.Except(now) ?? [])
        {
            foreach (var reason in Enum.GetValues<EjectionReason>())
            {
                retired[(int)reason] += gone.Health.EjectionsFor(reason);
            }
        }
        return retired;
    }

    /// <summary>0..n-1, made once: candidate lists are only read.</summary>
    private int[] AllIndices() => _allIndices ??= [.. Enumerable.Range(0, _endpoints.Length)];

    private int[]? _allIndices;
}
