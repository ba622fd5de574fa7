using System.Diagnostics.Metrics;
using Relay.Core.Connections;
using Relay.Core.Observability;
using Relay.Core.Upstreams;
using Relay.Core.Upstreams.Health;

namespace Relay.Core.Runtime;

/// <summary>
/// Endpoint state as metrics, read from the running config's clusters at each scrape:
/// <c>relay_endpoint_ejected</c> (1 while ejected) and <c>relay_outlier_ejections_total</c> by
/// service and reason; active health checks as <c>relay_endpoint_healthy</c> and
/// <c>relay_health_checks_total</c> by service and result. Per endpoint only for the gauges: an
/// endpoint label is bounded by the config, and operators need to see which instance is out.
/// </summary>
internal static class ClusterMetrics
{
    public const string EndpointEjected = "relay_endpoint_ejected";
    public const string OutlierEjections = "relay_outlier_ejections_total";
    public const string EndpointTag = "endpoint";

    private static readonly EjectionReason[] Reasons = Enum.GetValues<EjectionReason>();

    public static void Register(Meter meter, ActiveConfigHolder config, HealthCheckers checks)
    {
        meter.CreateObservableGauge(MetricNames.EndpointHealthy, () => Healthy(config.Current), null, "1 while the endpoint passes its service's active health checks, by service and endpoint; services with a health_check only.");
        meter.CreateObservableCounter(MetricNames.HealthChecks, () => Checks(checks), "{check}", "Active health checks that ended, by service and result (passed, bad_status, timeout, connect_failed, tls_failed).");
        meter.CreateObservableGauge(EndpointEjected, () => Ejected(config.Current), null, "1 while the endpoint is ejected by outlier detection, by service and endpoint.");
        meter.CreateObservableCounter(OutlierEjections, () => Ejections(config.Current), "{ejection}", "Endpoints ejected by outlier detection, by service and reason (consecutive_5xx, consecutive_gateway_errors, connect_failure, tls_failure).");
    }

    private static IEnumerable<Measurement<long>> Ejected(ActiveConfig active)
    {
        var now = Environment.TickCount64;
        foreach (var cluster in active.Clusters.All)
        {
            foreach (var state in cluster.States)
            {
                yield return new Measurement<long>(state.Health.IsEjected(now) ? 1 : 0,
                    MetricTags.Tag(MetricNames.ServiceTag, cluster.Service.Name), MetricTags.Tag(EndpointTag, state.Address.ToString()));
            }
        }
    }

    private static IEnumerable<Measurement<long>> Ejections(ActiveConfig active)
    {
        foreach (var cluster in active.Clusters.All)
        {
            foreach (var reason in Reasons)
            {
                // Endpoints a reload removed keep counting (RetiredEjections): a counter never drops.
                var count = cluster.States.Sum(s => s.Health.EjectionsFor(reason)) + cluster.RetiredEjections(reason);
                if (count > 0)
                {
                    yield return new Measurement<long>(count, MetricTags.Tag(MetricNames.ServiceTag, cluster.Service.Name), MetricTags.Tag(MetricNames.ReasonTag, reason.Label()));
                }
            }
        }
    }

    private static IEnumerable<Measurement<long>> Healthy(ActiveConfig active)
    {
        foreach (var cluster in active.Clusters.All.Where(c => c.Service.HealthCheck is not null))
        {
            foreach (var state in cluster.States)
            {
                yield return new Measurement<long>(state.Active.IsHealthy ? 1 : 0,
                    MetricTags.Tag(MetricNames.ServiceTag, cluster.Service.Name), MetricTags.Tag(EndpointTag, state.Address.ToString()));
            }
        }
    }

    private static IEnumerable<Measurement<long>> Checks(HealthCheckers checks) =>
        checks.Counts().Where(c => c.Count > 0).Select(c => new Measurement<long>(c.Count,
            MetricTags.Tag(MetricNames.ServiceTag, c.Service), MetricTags.Tag(MetricNames.ResultTag, c.Result.Label())));
}
