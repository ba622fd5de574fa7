using Relay.Core.Config;
using Relay.Core.Mtls;
using Relay.Core.Routing.Guard;
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

    /// <summary>The canary guards' cuts: kept by a reload of the same revision, cleared by a changed file.</summary>
    public CanaryGuards Guards { get; init; } = new("");

    public static ActiveConfig Create(ConfigSnapshot snapshot, ActiveConfig? previous = null, MeshTlsRuntime? tls = null) =>
        new(snapshot, ClusterSet.Build(snapshot.Services, previous?.Clusters, snapshot.Mesh.Zone), tls)
        {
            RateLimits = InboundRateLimits.Build(snapshot.Inbound, previous?.RateLimits),
            RouteRateLimits = RouteRateLimits.Build(snapshot.Services, previous?.RouteRateLimits),
            Guards = previous?.Guards.For(snapshot.Revision) ?? new CanaryGuards(snapshot.Revision),
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

    /// <summary>
    /// Replaces the running config with <paramref name="change"/> of it, unless that returns null;
    /// retried when a reload swapped in between, so the change lands on whatever runs now.
    /// </summary>
    public bool Update(Func<ActiveConfig, ActiveConfig?> change)
    {
        while (true)
        {
            var current = Current;
            if (change(current) is not { } next)
            {
                return false;
            }
            if (ReferenceEquals(Interlocked.CompareExchange(ref _current, next, current), current))
            {
                return true;
            }
        }
    }
}
