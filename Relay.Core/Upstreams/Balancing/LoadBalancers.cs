using Relay.Core.Config;

namespace Relay.Core.Upstreams.Balancing;

/// <summary>The balancer a service's <c>load_balancing</c> names.</summary>
internal static class LoadBalancers
{
    public static ILoadBalancer For(ServiceSnapshot service, Random random) => service.LoadBalancing switch
    {
        LoadBalancing.Random => new RandomBalancer(random),
        LoadBalancing.LeastRequest => new LeastRequestBalancer(random),
        LoadBalancing.PeakEwma => new PeakEwmaBalancer(random),
        LoadBalancing.RingHash => new RingHashBalancer(service.Endpoints, random),
        _ => new RoundRobinBalancer(),
    };
}
