using Microsoft.Extensions.Logging;

namespace Relay.Core.Upstreams.Discovery;

/// <summary>
/// Discovery's log lines. A changed set is logged each time (at most once per min_ttl per
/// service). A failed or empty answer is logged at most once per <see cref="FailureLogInterval"/>
/// per service, with how many were held back: a resolver down for an hour with min_ttl 5 s would
/// otherwise write 720 identical warnings per service; the counter has every one.
/// </summary>
internal static partial class DiscoveryLog
{
    /// <summary>One minute: a Prometheus scrape or two, so the log and the metric tell the same story.</summary>
    public static readonly TimeSpan FailureLogInterval = TimeSpan.FromMinutes(1);

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "discovery: service {Service} ({Source}) now has {Count} endpoints: {Endpoints} (next query in {RefreshSeconds} s)")]
    public static partial void Changed(ILogger logger, string service, string source, int count, string endpoints, double refreshSeconds);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "discovery: service {Service} ({Source}) {Outcome}: {Error}; keeping the last good set of {Count} endpoints ({Suppressed} more such answers since the last warning)")]
    public static partial void KeptLastGood(ILogger logger, string service, string source, string outcome, string? error, int count, int suppressed);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "discovery: service {Service} ({Source}) resolves again after {Failures} empty or failed answers")]
    public static partial void Recovered(ILogger logger, string service, string source, int failures);
}

/// <summary>The per-service state of the failure-warning rate limit.</summary>
internal sealed class FailureLogLimiter(TimeProvider time)
{
    private DateTimeOffset? _lastWarned;
    private int _suppressed;

    /// <summary>True when a warning may be written now; returns how many were held back before it.</summary>
    public bool TryWarn(out int suppressed)
    {
        var now = time.GetUtcNow();
        if (_lastWarned is { } last && now - last < DiscoveryLog.FailureLogInterval)
        {
            _suppressed++;
            suppressed = 0;
            return false;
        }
        (_lastWarned, suppressed, _suppressed) = (now, _suppressed, 0);
        return true;
    }

    /// <summary>After a resolved answer the next failure is news again.</summary>
    public void Reset() => (_lastWarned, _suppressed) = (null, 0);
}
