using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Relay.Core.Http;

/// <summary>
/// Rapid reset (CVE-2023-44487) as Relay sees it, per HTTP/2 connection: a stream the client
/// reset within <see cref="Premature"/> of its start costs a request start (and often an upstream
/// connect) and brings nothing. Kestrel's own guards (200 tracked streams, a bounded output queue)
/// close such a client only when the application falls behind, which depends on load; this
/// budget closes it deterministically, as Envoy's premature-reset check does: once
/// <see cref="MaxPrematureResets"/> streams were reset early and they are more than half of the
/// connection's streams. A connection that cancels now and then (a browser navigating away)
/// never comes near it.
/// </summary>
internal sealed class StreamResetBudget(Action onExceeded)
{
    /// <summary>Envoy's <c>premature_reset_min_stream_lifetime_seconds</c> default.</summary>
    private static readonly TimeSpan Premature = TimeSpan.FromSeconds(1);

    /// <summary>Kestrel's own bound on streams in flight per connection (max(2 × 100, 100)); Envoy waits for 500 streams.</summary>
    public const int MaxPrematureResets = 200;

    private int _streams;
    private int _premature;
    private int _exceeded;

    /// <summary>Called once per request when it ends; closes the connection when the budget is spent.</summary>
    public static void Record(HttpContext context, long startedAt)
    {
        if (context.Features.Get<StreamResetBudget>() is not { } budget || !HttpProtocol.IsHttp2(context.Request.Protocol))
        {
            return;
        }
        var premature = context.RequestAborted.IsCancellationRequested && Stopwatch.GetElapsedTime(startedAt) < Premature;
        budget.Count(premature);
    }

    internal void Count(bool premature)
    {
        var streams = Interlocked.Increment(ref _streams);
        var resets = premature ? Interlocked.Increment(ref _premature) : Volatile.Read(ref _premature);
        if (resets >= MaxPrematureResets && resets * 2 > streams && Interlocked.Exchange(ref _exceeded, 1) == 0)
        {
            onExceeded();
        }
    }
}
