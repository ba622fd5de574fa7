using System.Collections.Immutable;
using System.Net;
using Relay.Core.Net;
using Relay.Tls.Identity;

namespace Relay.Core.Config;

/// <summary>A service this host's apps call, compiled from mesh.yaml <c>services</c>.</summary>
public sealed record ServiceSnapshot(
    string Name,
    int Port,
    ImmutableArray<IPAddress> Addresses,
    ImmutableArray<NetEndpoint> Endpoints,
    ImmutableArray<SpiffeId> Identities,
    bool MeshTls,
    LoadBalancing LoadBalancing,
    TimeSpan ConnectTimeout,
    TimeSpan IdleTimeout,
    AppProtocol Protocol = AppProtocol.Tcp)
{
    /// <summary>Labels and zone of each endpoint, index for index with <see cref="Endpoints"/>.</summary>
    public required ImmutableArray<EndpointSnapshot> EndpointDetails { get; init; }

    /// <summary>mesh.yaml <c>routes</c>, in file order; empty: every request goes to all endpoints, as without routes.</summary>
    public ImmutableArray<RouteSnapshot> Routes { get; init; } = [];
}

public enum LoadBalancing
{
    RoundRobin,
}
