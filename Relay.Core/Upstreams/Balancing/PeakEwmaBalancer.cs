namespace Relay.Core.Upstreams.Balancing;

/// <summary>
/// Linkerd's default: of two random candidates, the lower cost = peak-EWMA latency × (in flight + 1)
/// (tower's PeakEwma load), so a slow endpoint and a busy one both lose until their cost falls.
/// </summary>
internal sealed class PeakEwmaBalancer(Random random) : ILoadBalancer
{
    public int Pick(ReadOnlySpan<int> candidates, EndpointState[] endpoints, in PickContext context)
    {
        var (a, b) = PowerOfTwo.Draw(candidates, random);
        return a == b || Cost(endpoints[b], context.NowMs) >= Cost(endpoints[a], context.NowMs) ? a : b;
    }

    public static double Cost(EndpointState endpoint, long nowMs) => endpoint.Latency.EstimateMs(nowMs) * (endpoint.InFlight + 1);
}
