using Relay.Core.Upstreams.Discovery;

namespace Relay.Core.Runtime;

/// <summary>
/// A discovered service in GET /clusters and GET /config: where its endpoints come from, the set
/// it runs on, the TTL (as the records gave it, and clamped: when the next query is), and how
/// the last queries went.
/// </summary>
internal sealed record DiscoveryView(string Service, string Source, IReadOnlyList<string> Endpoints)
{
    public double RecordTtlSeconds { get; init; }

    public double RefreshSeconds { get; init; }

    public DateTimeOffset? LastRefresh { get; init; }

    public DateTimeOffset? LastAttempt { get; init; }

    /// <summary>resolved, empty or failed; null before the first query ended.</summary>
    public string? LastOutcome { get; init; }

    public string? LastError { get; init; }

    public int ConsecutiveFailures { get; init; }

    public static DiscoveryView Of(DiscoveryStatus status) => new(
        status.Service,
        status.Source.ToString(),
        status.HasLastGood ? [.. status.LastGood.Select(e => e.ToString())] : [])
    {
        RecordTtlSeconds = status.RecordTtl.TotalSeconds,
        RefreshSeconds = status.Refresh.TotalSeconds,
        LastRefresh = status.LastRefresh,
        LastAttempt = status.LastAttempt,
        LastOutcome = status.LastOutcome?.ToString().ToLowerInvariant(),
        LastError = status.LastError,
        ConsecutiveFailures = status.ConsecutiveFailures,
    };
}
