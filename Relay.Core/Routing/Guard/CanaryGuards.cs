using System.Collections.Concurrent;
using System.Collections.Immutable;
using Relay.Core.Config;

namespace Relay.Core.Routing.Guard;

/// <summary>
/// The canary guards of one config revision on this host (issue 15; no anchor's data plane has
/// one: Flagger and Argo Rollouts judge a canary from Prometheus and rewrite the routes). Each
/// guarded route keeps a window of answers per backend; a backend that falls below the route's
/// min_success_rate after min_requests is cut to weight 0 here, logged and counted by
/// <see cref="Tripped"/>, and listed in <see cref="Overrides"/>. A reload that applies the same
/// file keeps this object (and so the cuts); one that applies a changed file starts a new one.
/// </summary>
internal sealed class CanaryGuards
{
    private readonly ConcurrentDictionary<(string Service, string Route), RouteGuardState> _routes = new();
    private readonly TimeProvider _time;
    private ImmutableList<GuardOverride> _overrides = [];

    public CanaryGuards(string revision, TimeProvider? time = null)
    {
        Revision = revision;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The config revision these guards judge.</summary>
    public string Revision { get; }

    /// <summary>Called once per cut, after it is in force (the runtime logs, counts and persists it).</summary>
    public Action<GuardOverride>? Tripped { get; set; }

    /// <summary>Every cut made under this revision, oldest first.</summary>
    public IReadOnlyList<GuardOverride> Overrides => Volatile.Read(ref _overrides);

    /// <summary>These guards when <paramref name="revision"/> is theirs; else fresh ones (the file changed: its weights rule again).</summary>
    public CanaryGuards For(string revision) =>
        revision == Revision ? this : new CanaryGuards(revision, _time) { Tripped = Tripped };

    /// <summary>The weights a pick uses on a guarded route: default while no backend of it is cut.</summary>
    public ImmutableArray<int> WeightsOf(string service, RouteSnapshot route) =>
        route.Guard is null ? default : _routes.TryGetValue((service, route.Name), out var state) ? state.Overridden : default;

    /// <summary>Counts one answer of a guarded route's backend (non-5xx: success, as Flagger's request-success-rate).</summary>
    public void Record(string service, RouteSnapshot route, int backend, bool success)
    {
        if (route.Guard is not { } guard)
        {
            return;
        }
        var state = _routes.GetOrAdd((service, route.Name), _ => new RouteGuardState(route, _time));
        if (state.Record(backend, success) is not { } trip)
        {
            return;
        }
        var cut = route.Backends[backend];
        var entry = new GuardOverride(service, route.Name, NameOf(cut), cut.Weight, 0, trip.Rate, trip.Requests, guard.MinSuccessRate, _time.GetUtcNow());
        ImmutableInterlocked.Update(ref _overrides, list => list.Add(entry));
        Tripped?.Invoke(entry);
    }

    /// <summary>service{label=value, ...}, as <c>relay config diff</c> names a backend.</summary>
    public static string NameOf(RouteBackend backend) =>
        backend.Service + "{" + string.Join(", ", backend.Subset.Select(l => $"{l.Key}={l.Value}")) + "}";
}
