namespace Relay.Core.Upstreams.Balancing;

/// <summary>
/// Picks one endpoint among candidates. The one seam both paths use: L4 asks once per connection,
/// L7 once per request, both through <see cref="ClusterState.PickOrder"/>, which first narrows the
/// endpoints to a subset (a route's label subset, healthy ones) and then asks the service's balancer.
/// </summary>
internal interface ILoadBalancer
{
    /// <param name="candidates">Indices into <paramref name="endpoints"/>; never empty.</param>
    /// <returns>One of <paramref name="candidates"/>.</returns>
    int Pick(ReadOnlySpan<int> candidates, EndpointState[] endpoints, in PickContext context);
}

/// <summary>What a pick may depend on: the time (EWMA decay, ejection) and the request's hash key (ring-hash).</summary>
/// <param name="NowMs">Environment.TickCount64 at the pick.</param>
/// <param name="HashKey">The ring-hash key: a header's value or the client address, hashed; null when there is none.</param>
internal readonly record struct PickContext(long NowMs, ulong? HashKey = null)
{
    public static PickContext Now(ulong? hashKey = null) => new(Environment.TickCount64, hashKey);
}
