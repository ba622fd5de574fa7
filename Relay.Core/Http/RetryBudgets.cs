using System.Collections.Concurrent;
using Relay.Core.Config;

namespace Relay.Core.Http;

/// <summary>
/// The retry budget of each route, kept across reloads while the service, route name and budget
/// parameters stay the same (a weight change keeps the route's retry history). A budget whose
/// route was removed stays until the process ends: a handful of small objects per edited route.
/// </summary>
internal sealed class RetryBudgets
{
    private readonly ConcurrentDictionary<(string Service, string Route, RetryBudgetSpec Spec), RetryBudget> _budgets = new();

    public RetryBudget For(string service, RouteSnapshot route, RetryPolicy policy) =>
        _budgets.GetOrAdd((service, route.Name, policy.Budget), key => new RetryBudget(key.Spec));
}
