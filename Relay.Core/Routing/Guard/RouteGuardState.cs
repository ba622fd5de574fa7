using System.Collections.Immutable;
using Relay.Core.Config;

namespace Relay.Core.Routing.Guard;

/// <summary>
/// One guarded route's runtime state on this host: a window of answers per backend and the
/// weights in force, the file's until the guard cuts a backend to 0. The weights are swapped as
/// one immutable array, so a pick reads a consistent set without a lock.
/// </summary>
internal sealed class RouteGuardState
{
    private readonly RouteGuard _guard;
    private readonly OutcomeWindow[] _windows;
    private readonly Lock _lock = new();
    private ImmutableArray<int> _weights;

    public RouteGuardState(RouteSnapshot route, TimeProvider time)
    {
        _guard = route.Guard!;
        _windows = [.. route.Backends.Select(_ => new OutcomeWindow(_guard.Window, time))];
        _weights = [.. route.Backends.Select(b => b.Weight)];
    }

    /// <summary>The weights in force; default (not set) while none is cut, so the pick takes the file's.</summary>
    public ImmutableArray<int> Overridden { get; private set; }

    /// <summary>
    /// Counts one answer of <paramref name="backend"/>; returns its window's rate when this answer
    /// made the guard cut it. Never cuts the last backend that still carries weight: a guard
    /// moves traffic, it does not stop it.
    /// </summary>
    public (double Rate, long Requests)? Record(int backend, bool success)
    {
        var (requests, succeeded) = _windows[backend].Add(success);
        var rate = (double)succeeded / requests;
        if (requests < _guard.MinRequests || rate >= _guard.MinSuccessRate)
        {
            return null;
        }
        lock (_lock)
        {
            var weights = _weights;
            var othersCarry = weights.Where((w, i) => i != backend && w > 0).Any();
            if (weights[backend] == 0 || !othersCarry)
            {
                return null;
            }
            _weights = weights.SetItem(backend, 0);
            Overridden = _weights;
            return (rate, requests);
        }
    }
}
