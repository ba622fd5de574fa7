using System.Collections.Frozen;

namespace Relay.Core.Config;

/// <summary>What failures a route retries on (mesh.yaml <c>retries.on</c>; status codes and gRPC statuses are listed apart).</summary>
[Flags]
public enum RetryOn
{
    None = 0,

    /// <summary>No connection to the endpoint could be made (nothing of the request was sent).</summary>
    ConnectFailure = 1,

    /// <summary>The upstream reset or broke the exchange before response headers.</summary>
    Reset = 2,

    /// <summary>The per-try timeout expired before response headers.</summary>
    Timeout = 4,

    /// <summary>Any 5xx response status.</summary>
    Status5xx = 8,
}

/// <summary>
/// A route's compiled retry policy. <see cref="Attempts"/> counts the first try (Envoy's
/// num_retries + 1). Backoff before retry n is full jitter over min(max, base · 2^(n-1)),
/// Envoy's algorithm; the budget bounds retries across all of the route's requests.
/// </summary>
public sealed record RetryPolicy(
    int Attempts,
    RetryOn On,
    FrozenSet<int> Codes,
    FrozenSet<int> GrpcStatuses,
    TimeSpan BackoffBase,
    TimeSpan BackoffMax,
    RetryBudgetSpec Budget)
{
    /// <summary>Retry POST and PATCH too (retries.non_idempotent); by default only RFC 9110's idempotent methods are resent.</summary>
    public bool NonIdempotent { get; init; }
}

/// <summary>Linkerd's retry budget parameters (a value, so a reload that keeps them keeps the budget's state).</summary>
public sealed record RetryBudgetSpec(double Ratio, int MinPerSecond, TimeSpan Ttl);

/// <summary>Per-route time limits; null where the route sets none.</summary>
public sealed record RouteTimeouts(TimeSpan? Request, TimeSpan? PerTry, TimeSpan? Idle);

/// <summary>
/// A route's compiled fault injection: each request (or only one carrying <see cref="Header"/>)
/// is delayed with probability <see cref="DelayPercent"/>/100, then aborted with
/// <see cref="AbortPercent"/>/100, as Envoy's fault filter. An abort answers
/// <see cref="AbortStatus"/>, or, with <see cref="AbortGrpc"/>, a trailers-only gRPC status.
/// </summary>
public sealed record FaultPolicy(TimeSpan? Delay, double DelayPercent, int? AbortStatus, int? AbortGrpc, double AbortPercent, string? Header);
