using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Relay.Core.Config;
using Relay.Core.Observability;
using Relay.Core.Vocabulary;

namespace Relay.Core.Http;

/// <summary>
/// One request's attempts on a route with timeouts or retries: the request deadline
/// (timeouts.request, a 504 route_timeout), each attempt's timer to response headers
/// (timeouts.per_try), and whether a failed attempt may be retried: the policy names the cause,
/// attempts are left, the request can be sent again (an idempotent method, RFC 9110 §9.2.2, or
/// any method with retries.non_idempotent; and no body, or one the body buffer kept) and the
/// route's budget pays for it.
/// </summary>
internal sealed class RouteAttempts : IDisposable
{
    private static readonly string[] Idempotent = ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"];

    private readonly RouteTimeouts? _timeouts;
    private readonly RetryPolicy? _policy;
    private readonly RetryBudget? _budget;
    private readonly RouteMetrics _metrics;
    private readonly string _service;
    private readonly CancellationTokenSource? _request;
    private CancellationTokenSource? _try;

    private RouteAttempts(RouteSnapshot route, RetryPolicy? policy, RetryBudget? budget, RouteMetrics metrics, string service)
    {
        _timeouts = route.Timeouts;
        _policy = policy;
        _budget = budget;
        _metrics = metrics;
        _service = service;
        _request = _timeouts?.Request is { } limit ? new CancellationTokenSource(limit) : null;
    }

    /// <summary>Retries made so far.</summary>
    public int Retries { get; private set; }

    /// <summary>Set by <see cref="AttemptTransformer"/> when it held back a retryable response.</summary>
    public bool RetryWanted { get; set; }

    /// <summary>Set with <see cref="RetryWanted"/> when the held-back response's retry took one of circuit_breakers.max_retries (the caller ends it).</summary>
    public bool HoldsRetrySlot { get; set; }

    /// <summary>True when failed attempts of this request may be retried under the route's policy.</summary>
    public bool CanRetry => _policy is not null;

    /// <summary>Null for a route with neither timeouts nor retries (the request takes today's path).</summary>
    public static RouteAttempts? For(RouteSnapshot? route, HttpContext context, RetryBudgets budgets, RouteMetrics metrics, string service, bool bodyKept)
    {
        if (route is null || (route.Timeouts is null && route.Retries is null))
        {
            return null;
        }
        RetryBudget? budget = null;
        if (route.Retries is { } policy)
        {
            budget = budgets.For(service, route, policy);
            // Every request on the route earns retries for others (Linkerd: deposit per request).
            budget.Deposit();
        }
        // A body is resent only from the body buffer (RequestBodyBuffer: a declared length up to 64 KiB).
        var resendable = (Idempotent.Contains(context.Request.Method, StringComparer.Ordinal) || route.Retries?.NonIdempotent == true)
            && (bodyKept || !RequestBodyBuffer.HasBody(context));
        return new RouteAttempts(route, resendable ? route.Retries : null, budget, metrics, service);
    }

    /// <summary>Starts an attempt: its token ends at the per-try timeout or the request deadline.</summary>
    public CancellationToken StartAttempt()
    {
        RetryWanted = false;
        HoldsRetrySlot = false;
        _try?.Dispose();
        _try = _request is null ? new CancellationTokenSource() : CancellationTokenSource.CreateLinkedTokenSource(_request.Token);
        if (_timeouts?.PerTry is { } perTry)
        {
            _try.CancelAfter(perTry);
        }
        _metrics.Attempted(_service);
        return _try.Token;
    }

    /// <summary>Response headers arrived: the per-try timer has done its job (the body is under the request deadline and idle timeout).</summary>
    public void HeadersReceived() => _try?.CancelAfter(Timeout.InfiniteTimeSpan);

    /// <summary>Why an attempt that failed timed out, if it did: the request deadline, or the per-try timer.</summary>
    public CloseReason? TimeoutOf(HttpContext context) =>
        context.RequestAborted.IsCancellationRequested ? null
        : _request is { IsCancellationRequested: true } ? CloseReason.RouteTimeout
        : _try is { IsCancellationRequested: true } ? CloseReason.UpstreamTimeout
        : null;

    /// <summary>Whether a response status (or a trailers-only gRPC status) is retried; pays the budget when it is.</summary>
    public bool RetriesStatus(int status, int? grpcStatus)
    {
        var matches = (_policy?.On.HasFlag(RetryOn.Status5xx) == true && status >= 500)
            || _policy?.Codes.Contains(status) == true
            || (grpcStatus is { } g && _policy?.GrpcStatuses.Contains(g) == true);
        return matches && TryRetry("status");
    }

    /// <summary>Whether a failed attempt (no response) is retried; pays the budget when it is.</summary>
    public bool RetriesFailure(CloseReason reason, bool connectFailure)
    {
        var (cause, condition) = connectFailure ? ("connect_failure", RetryOn.ConnectFailure)
            : reason == CloseReason.UpstreamTimeout ? ("timeout", RetryOn.Timeout)
            : reason == CloseReason.UpstreamReset ? ("reset", RetryOn.Reset)
            : ("", RetryOn.None);
        return condition != RetryOn.None && _policy?.On.HasFlag(condition) == true && TryRetry(cause);
    }

    private bool TryRetry(string cause)
    {
        if (_policy is null || Retries + 1 >= _policy.Attempts || _request is { IsCancellationRequested: true })
        {
            return false;
        }
        if (!_budget!.TryWithdraw())
        {
            _metrics.BudgetExhausted(_service);
            return false;
        }
        Retries++;
        _metrics.Retried(_service, cause);
        return true;
    }

    /// <summary>Envoy's back-off: full jitter over min(max, base · 2^(retry-1)); cut short by the request deadline.</summary>
    public async Task BackoffAsync()
    {
        var ceiling = Math.Min(_policy!.BackoffMax.TotalMilliseconds, _policy.BackoffBase.TotalMilliseconds * Math.Pow(2, Retries - 1));
        var delay = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
        try
        {
            await Task.Delay(delay, _request?.Token ?? CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The deadline passed during the back-off: the next attempt fails at once as route_timeout.
        }
    }

    public void Dispose()
    {
        _try?.Dispose();
        _request?.Dispose();
    }
}
