namespace Relay.Core.Upstreams.Discovery;

/// <summary>What one answer does to a service's discovered set.</summary>
internal enum DiscoveryChange
{
    /// <summary>Resolved to a different set (or the first one): apply it like a reload.</summary>
    Changed,

    /// <summary>Resolved to the set already running: nothing to apply.</summary>
    Unchanged,

    /// <summary>Empty or failed: the last good set stays (none yet: the service stays without endpoints).</summary>
    KeptLastGood,
}

/// <summary>
/// The pure step of discovery: status + answer → the next status, what changed, and when to ask
/// again. "Keep the last good set" is Envoy's STRICT_DNS behaviour on a failed resolution and
/// HAProxy's resolvers' (hold valid/other): a DNS outage must not empty a healthy cluster.
/// </summary>
internal static class LastGoodPolicy
{
    public static (DiscoveryStatus Next, DiscoveryChange Change, TimeSpan Delay) Apply(
        DiscoveryStatus status, DnsAnswer answer, DateTimeOffset now, TimeSpan minTtl, TimeSpan maxTtl)
    {
        var delay = TtlClamp.NextRefresh(answer, minTtl, maxTtl);
        if (answer.Outcome != DnsOutcome.Resolved)
        {
            var kept = status with
            {
                LastAttempt = now,
                LastOutcome = answer.Outcome,
                LastError = answer.Error,
                ConsecutiveFailures = status.ConsecutiveFailures + 1,
                Refresh = delay,
            };
            return (kept, DiscoveryChange.KeptLastGood, delay);
        }
        var change = status.HasLastGood && status.LastGood.SequenceEqual(answer.Endpoints) ? DiscoveryChange.Unchanged : DiscoveryChange.Changed;
        var next = status with
        {
            LastGood = change == DiscoveryChange.Changed ? answer.Endpoints : status.LastGood,
            LastAttempt = now,
            LastRefresh = now,
            LastOutcome = DnsOutcome.Resolved,
            LastError = null,
            ConsecutiveFailures = 0,
            Refresh = delay,
            RecordTtl = answer.Ttl,
        };
        return (next, change, delay);
    }
}
