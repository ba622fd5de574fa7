using System.Collections.Concurrent;
using Relay.Core.Config;

namespace Relay.Core.Http;

/// <summary>
/// The retry budget of each route, kept across reloads while the service, route name and budget
/// parameters stay the same (a weight change keeps the route's retry history). Each config swap
/// drops the budgets no route of the new config has (<see cref="Retain"/>), so a file edited
/// again and again holds only its current routes' budgets.
/// </summary>
internal sealed class RetryBudgets
{
    private readonly ConcurrentDictionary<(string Service, string Route, RetryBudgetSpec Spec), RetryBudget> _budgets = new();

    public RetryBudget For(string service, RouteSnapshot route, RetryPolicy policy) =>
        _budgets.GetOrAdd((service, route.Name, policy.Budget), key => new RetryBudget(key.Spec));

    /// <summary>How many budgets are held (tests).</summary>
    public int Count => _budgets.Count;

    /// <summary>
    /// Keeps the budgets of <paramref name="snapshot"/>'s retrying routes, drops the rest. A request
    /// still in flight under the old config keeps the budget object it holds; a late one may
    /// create its old key again, which the next swap drops.
    /// </summary>
    public void Retain(ConfigSnapshot snapshot)
    {
        // Keyed as For is called: the service the request went to (a backend's), the route's name, the budget.
        var live = snapshot.Services
            .SelectMany(s => s.Routes.Where(r => r.Retries is not null).SelectMany(r => r.Backends.Select(b => (b.Service, r.Name, r.Retries!.Budget))))
            .ToHashSet();
        foreach (var key in _budgets.Keys)
        {
            if (!live.Contains(key))
            {
                _budgets.TryRemove(key, out _);
            }
        }
    }
}
