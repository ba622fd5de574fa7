namespace Relay.Core.Upstreams.Balancing;

/// <summary>Of two random candidates, the one with fewer requests (L7) or connections (L4) in flight (Envoy's least_request default).</summary>
internal sealed class LeastRequestBalancer(Random random) : ILoadBalancer
{
    public int Pick(ReadOnlySpan<int> candidates, EndpointState[] endpoints, in PickContext context)
    {
        var (a, b) = PowerOfTwo.Draw(candidates, random);
        return endpoints[b].InFlight < endpoints[a].InFlight ? b : a;
    }
}
