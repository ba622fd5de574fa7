using System.Diagnostics.Metrics;

namespace Relay.Core.Upstreams.Discovery;

/// <summary>
/// <c>relay_discovery_resolutions_total{service, result}</c>: one per query, result changed,
/// unchanged, empty or failed (the last two kept the last good set);
/// <c>relay_discovery_endpoints{service}</c>: the size of the set the cluster runs on; and
/// <c>relay_discovery_stale_seconds{service}</c>: the age of that set (time since the last
/// resolved answer), the alert for a DNS outage that the last good set is hiding.
/// </summary>
internal sealed class DiscoveryMetrics
{
    public const string Resolutions = "relay_discovery_resolutions_total";
    public const string Endpoints = "relay_discovery_endpoints";
    public const string Stale = "relay_discovery_stale_seconds";

    private readonly Counter<long> _resolutions;

    public DiscoveryMetrics(Meter meter, Func<IEnumerable<DiscoveryStatus>> statuses, TimeProvider time)
    {
        _resolutions = meter.CreateCounter<long>(Resolutions, "{query}", "DNS discovery queries, by service and result (changed, unchanged, empty, failed; empty and failed keep the last good set).");
        meter.CreateObservableGauge(Endpoints, () => statuses().Select(s =>
            new Measurement<long>(s.HasLastGood ? s.LastGood.Length : 0, Service(s))), "{endpoint}", "Endpoints in the discovered set a service runs on, by service.");
        meter.CreateObservableGauge(Stale, () => statuses().Where(s => s.LastRefresh is not null).Select(s =>
            new Measurement<double>((time.GetUtcNow() - s.LastRefresh!.Value).TotalSeconds, Service(s))), "s", "Seconds since the service's last resolved DNS answer, by service.");
    }

    public void Count(string service, DiscoveryChange change, DnsOutcome outcome) =>
        _resolutions.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("result", Result(change, outcome)));

    private static string Result(DiscoveryChange change, DnsOutcome outcome) => change switch
    {
        DiscoveryChange.Changed => "changed",
        DiscoveryChange.Unchanged => "unchanged",
        _ => outcome == DnsOutcome.Empty ? "empty" : "failed",
    };

    private static KeyValuePair<string, object?> Service(DiscoveryStatus status) => new("service", status.Service);
}
