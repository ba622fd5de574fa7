using Relay.Core.Config;
using Relay.Core.Upstreams;

namespace Relay.Core.Connections;

/// <summary>A snapshot together with the runtime cluster state built for it.</summary>
internal sealed record ActiveConfig(ConfigSnapshot Snapshot, ClusterSet Clusters)
{
    public static ActiveConfig Create(ConfigSnapshot snapshot, ActiveConfig? previous = null) =>
        new(snapshot, ClusterSet.Build(snapshot.Services, previous?.Clusters));
}

/// <summary>
/// The one place the running config lives. One writer swaps it; every connection reads it
/// once at accept and keeps that reference for its whole life.
/// </summary>
internal sealed class ActiveConfigHolder(ActiveConfig initial)
{
    private ActiveConfig _current = initial;

    public ActiveConfig Current => Volatile.Read(ref _current);

    /// <summary>Installs a new snapshot, carrying unchanged clusters over; returns the previous config.</summary>
    public ActiveConfig Swap(ConfigSnapshot snapshot) =>
        Interlocked.Exchange(ref _current, ActiveConfig.Create(snapshot, Current));
}
