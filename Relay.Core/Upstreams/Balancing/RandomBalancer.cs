namespace Relay.Core.Upstreams.Balancing;

/// <summary>A uniformly random candidate: no shared cursor, so no coordination between callers.</summary>
internal sealed class RandomBalancer(Random random) : ILoadBalancer
{
    public int Pick(ReadOnlySpan<int> candidates, EndpointState[] endpoints, in PickContext context) =>
        candidates[random.Next(candidates.Length)];
}
