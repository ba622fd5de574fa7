using Relay.Core.Config;
using Relay.Core.Mtls;
using Relay.Core.Upstreams;

namespace Relay.Core.Connections;

/// <summary>
/// A snapshot together with the runtime state built for it: the cluster states and, when the
/// snapshot has a <c>tls</c> section, the mesh TLS material loaded and validated for exactly its
/// <c>tls</c> and <c>mesh</c> settings. Swapped as one reference, so a connection that reads it
/// once at accept sees config and TLS that belong together.
/// </summary>
internal sealed record ActiveConfig(ConfigSnapshot Snapshot, ClusterSet Clusters, MeshTlsRuntime? Tls = null)
{
    /// <summary>The inbound ports' request and connection rate limits.</summary>
    public InboundRateLimits RateLimits { get; init; } = InboundRateLimits.None;

    /// <summary>The routes' request rate limits.</summary>
    public RouteRateLimits RouteRateLimits { get; init; } = RouteRateLimits.None;

    public static ActiveConfig Create(ConfigSnapshot snapshot, ActiveConfig? previous = null, MeshTlsRuntime? tls = null) =>
        new(snapshot, ClusterSet.Build(snapshot.Services, previous?.Clusters, snapshot.Mesh.Zone), tls)
        {
            RateLimits = InboundRateLimits.Build(snapshot.Inbound, previous?.RateLimits),
            RouteRateLimits = RouteRateLimits.Build(snapshot.Services, previous?.RouteRateLimits),
        };
}

/// <summary>
/// The one place the running config lives. One writer swaps it; every connection reads it
/// once at accept and keeps that reference for its whole life.
/// </summary>
internal sealed class ActiveConfigHolder(ActiveConfig initial)
{
    private ActiveConfig _current = initial;

    public ActiveConfig Current => Volatile.Read(ref _current);

    /// <summary>Installs a prepared config; returns the previous one.</summary>
    public ActiveConfig Swap(ActiveConfig next) => Interlocked.Exchange(ref _current, next);
}
