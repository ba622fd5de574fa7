using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Relay.Core.Observability;

/// <summary>
/// Traffic-management instruments: every attempt a request made upstream, the retries among
/// them by cause, the retries a route's budget refused (retries stopped amplifying an outage), and
/// the backends a canary guard cut.
/// </summary>
internal sealed class RouteMetrics(Meter meter)
{
    private readonly Counter<long> _attempts = meter.CreateCounter<long>(MetricNames.RequestAttempts, "{attempt}", "HTTP attempts sent upstream (first tries and retries), by service.");
    private readonly Counter<long> _retries = meter.CreateCounter<long>(MetricNames.RequestRetries, "{retry}", "HTTP retries made, by service and cause (connect_failure, reset, timeout, status).");
    private readonly Counter<long> _exhausted = meter.CreateCounter<long>(MetricNames.RetryBudgetExhausted, "{retry}", "HTTP retries a route's retry budget refused, by service.");

    public void Attempted(string service) => _attempts.Add(1, new TagList { MetricTags.Tag(MetricNames.ServiceTag, service) });

    public void Retried(string service, string cause) =>
        _retries.Add(1, new TagList { MetricTags.Tag(MetricNames.ServiceTag, service), MetricTags.Tag(MetricNames.ReasonTag, cause) });

    private readonly Counter<long> _guardTrips = meter.CreateCounter<long>(MetricNames.CanaryGuardTrips, "{trip}", "Backends the canary guard cut to weight 0 on this host, by service, route and backend.");

    public void GuardTripped(string service, string route, string backend) => _guardTrips.Add(1, new TagList
    {
        MetricTags.Tag(MetricNames.ServiceTag, service), MetricTags.Tag(MetricNames.RouteTag, route), MetricTags.Tag(MetricNames.BackendTag, backend),
    });

    private readonly Counter<long> _mirrors = meter.CreateCounter<long>(MetricNames.RequestMirrors, "{request}", "Mirrored copies of requests, by shadow service and result (sent, failed, dropped, body_not_kept).");

    public void Mirrored(string service, string result) =>
        _mirrors.Add(1, new TagList { MetricTags.Tag(MetricNames.ServiceTag, service), MetricTags.Tag(MetricNames.ResultTag, result) });

    public void BudgetExhausted(string service) => _exhausted.Add(1, new TagList { MetricTags.Tag(MetricNames.ServiceTag, service) });
}
