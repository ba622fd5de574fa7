using Relay.Core.Net;

namespace Relay.Core.Upstreams;

/// <summary>
/// Runtime state of one endpoint that the balancers read: passive and active health, requests (L7) or
/// connections (L4) in flight, and the peak-EWMA latency. Keyed by address: a reload that keeps
/// the endpoint keeps this object (<see cref="ClusterSet"/>), so a slow endpoint stays known as slow.
/// </summary>
internal sealed class EndpointState(NetEndpoint address, long nowMs)
{
    private int _inFlight;

    public NetEndpoint Address { get; } = address;

    public EndpointHealth Health { get; } = new();

    /// <summary>Active health checks' verdict; read only while the service has a <c>health_check</c>.</summary>
    public ActiveHealth Active { get; } = new();

    public PeakEwma Latency { get; } = new(nowMs);

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>One request or connection starts on this endpoint; dispose the lease when it ends.</summary>
    public EndpointLease Begin()
    {
        Interlocked.Increment(ref _inFlight);
        return new EndpointLease(this);
    }

    internal void End() => Interlocked.Decrement(ref _inFlight);
}

/// <summary>
/// A request or connection in flight on one endpoint: <see cref="Observe"/> its round trip (L7:
/// until response headers; L4: the connect), <see cref="Dispose"/> when it ends. Disposing twice
/// counts once.
/// </summary>
internal sealed class EndpointLease(EndpointState endpoint) : IDisposable
{
    private int _ended;

    public EndpointState Endpoint { get; } = endpoint;

    public void Observe(TimeSpan rtt) => Endpoint.Latency.Observe(rtt, Environment.TickCount64);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            Endpoint.End();
        }
    }
}
