using System.Collections.Immutable;
using Relay.Core.Config;
using Relay.Core.Net;

namespace Relay.Core.Upstreams;

/// <summary>
/// Runtime state of one service's endpoints: the round-robin cursor and each endpoint's
/// health. Lives as long as the service's definition is unchanged across reloads.
/// </summary>
internal sealed class ClusterState
{
    private readonly EndpointHealth[] _health;
    private int _cursor = -1;

    public ClusterState(ServiceSnapshot service)
    {
        Service = service;
        _health = service.Endpoints.Select(_ => new EndpointHealth()).ToArray();
    }

    public ServiceSnapshot Service { get; }

    public ImmutableArray<NetEndpoint> Endpoints => Service.Endpoints;

    public EndpointHealth HealthOf(int index) => _health[index];

    /// <summary>
    /// The order to try endpoints for one connection: round robin from the next cursor position,
    /// healthy endpoints first, ejected ones last (still tried: an ejected endpoint beats none).
    /// </summary>
    public int[] PickOrder(long nowMs) => PickOrder(nowMs, default);

    /// <summary>
    /// As <see cref="PickOrder(long)"/> over only <paramref name="subset"/> (endpoint indexes a
    /// route backend selected by label); default or empty means every endpoint.
    /// </summary>
    public int[] PickOrder(long nowMs, ImmutableArray<int> subset)
    {
        var all = subset.IsDefaultOrEmpty;
        var count = all ? _health.Length : subset.Length;
        var start = (int)((uint)Interlocked.Increment(ref _cursor) % (uint)count);
        var order = new int[count];
        var next = 0;
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < count; i++)
            {
                var index = all ? (start + i) % count : subset[(start + i) % count];
                if (_health[index].IsEjected(nowMs) == (pass == 1))
                {
                    order[next++] = index;
                }
            }
        }
        return order;
    }
}
