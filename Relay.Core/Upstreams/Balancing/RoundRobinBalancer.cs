namespace Relay.Core.Upstreams.Balancing;

/// <summary>Each pick takes the next candidate after the last one (one cursor per service).</summary>
internal sealed class RoundRobinBalancer : ILoadBalancer
{
    private int _cursor = -1;

    public int Pick(ReadOnlySpan<int> candidates, EndpointState[] endpoints, in PickContext context) =>
        candidates[(int)((uint)Interlocked.Increment(ref _cursor) % (uint)candidates.Length)];
}
