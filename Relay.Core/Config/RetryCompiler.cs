using System.Collections.Frozen;

namespace Relay.Core.Config;

/// <summary>A validated <c>retries</c> mapping → <see cref="RetryPolicy"/>, with the defaults of the anchors it follows.</summary>
internal static class RetryCompiler
{
    /// <summary>Envoy's default num_retries is 1: two attempts in all.</summary>
    public const int DefaultAttempts = 2;

    /// <summary>Envoy's retry back-off: base 25 ms, max 10 × base.</summary>
    public static readonly TimeSpan DefaultBackoffBase = TimeSpan.FromMilliseconds(25);

    /// <summary>Linkerd's ServiceProfile retryBudget defaults: retryRatio 0.2, minRetriesPerSecond 10, ttl 10s.</summary>
    public static readonly RetryBudgetSpec DefaultBudget = new(0.2, 10, TimeSpan.FromSeconds(10));

    /// <summary>Envoy's gRPC retry_on words and their status codes (grpc/status.h).</summary>
    public static readonly IReadOnlyDictionary<string, int> GrpcStatuses = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["cancelled"] = 1,
        ["deadline-exceeded"] = 4,
        ["resource-exhausted"] = 8,
        ["internal"] = 13,
        ["unavailable"] = 14,
    };

    public static readonly IReadOnlyDictionary<string, RetryOn> Conditions = new Dictionary<string, RetryOn>(StringComparer.Ordinal)
    {
        ["connect-failure"] = RetryOn.ConnectFailure,
        ["reset"] = RetryOn.Reset,
        ["timeout"] = RetryOn.Timeout,
        ["5xx"] = RetryOn.Status5xx,
    };

    public static RetryPolicy Compile(RetryConfig retries)
    {
        var on = (retries.On?.Items ?? []).Aggregate(RetryOn.None, (all, word) => all | Conditions[word.Value]);
        var backoffBase = retries.BackoffBase?.Value ?? DefaultBackoffBase;
        var budget = retries.Budget is { } b
            ? new RetryBudgetSpec(b.Ratio?.Value ?? DefaultBudget.Ratio, b.MinPerSecond?.Value ?? DefaultBudget.MinPerSecond, b.Ttl?.Value ?? DefaultBudget.Ttl)
            : DefaultBudget;
        return new RetryPolicy(
            retries.Attempts?.Value ?? DefaultAttempts,
            on,
            (retries.Codes?.Items ?? []).Select(c => c.Value).ToFrozenSet(),
            (retries.Grpc?.Items ?? []).Select(g => GrpcStatuses[g.Value]).ToFrozenSet(),
            backoffBase,
            retries.BackoffMax?.Value ?? backoffBase * 10,
            budget)
        {
            NonIdempotent = retries.NonIdempotent?.Value ?? false,
        };
    }
}
