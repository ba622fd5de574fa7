using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using Relay.Core.Vocabulary;

namespace Relay.Core.Observability;

/// <summary>
/// Relay's instruments on one <see cref="Meter"/> named "Relay". Each instance owns its meter
/// (or gets it from the factory), and the exporter subscribes by instance, so tests can create
/// several side by side without seeing each other's numbers. Recording is allocation-free.
/// Create one per <see cref="IMeterFactory"/>: a factory hands out one cached "Relay" meter, so a
/// second instance would share its instruments.
/// </summary>
internal sealed class RelayMetrics : IDisposable
{
    private readonly bool _ownsMeter;
    private readonly TimeProvider _time;
    private readonly Counter<long> _opened;
    private readonly UpDownCounter<long> _active;
    private readonly Counter<long> _closed;
    private readonly Counter<long> _bytes;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _upstreamConnect;
    private readonly Counter<long> _upstreamConnectFailures;
    private readonly Counter<long> _configReloads;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _requestErrors;
    private readonly Counter<long> _serviceConnections;
    private readonly UpDownCounter<long> _serviceActive;
    private readonly ConfigReloadState _config = new();

    public RelayMetrics(IMeterFactory? meterFactory = null, string? version = null, TimeProvider? timeProvider = null)
    {
        _ownsMeter = meterFactory is null;
        Meter = meterFactory?.Create(new MeterOptions(MetricNames.MeterName)) ?? new Meter(MetricNames.MeterName);
        _time = timeProvider ?? TimeProvider.System;
        _opened = Meter.CreateCounter<long>(MetricNames.ConnectionsOpened, "{connection}", "Connections accepted, by listener direction.");
        _active = Meter.CreateUpDownCounter<long>(MetricNames.ConnectionsActive, "{connection}", "Connections currently open, by listener direction.");
        _closed = Meter.CreateCounter<long>(MetricNames.ConnectionsClosed, "{connection}", "Connections ended, by direction and close reason.");
        _bytes = Meter.CreateCounter<long>(MetricNames.Bytes, "By", "Bytes copied, by direction and flow (client_to_upstream, upstream_to_client).");
        _duration = Meter.CreateHistogram(MetricNames.ConnectionDuration, "s", "Connection lifetime from accept to close.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = MetricBuckets.ConnectionDuration });
        _upstreamConnect = Meter.CreateHistogram(MetricNames.UpstreamConnect, "s", "Duration of each successful upstream connect attempt (failed attempts of a failover before it not included).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = MetricBuckets.UpstreamConnect });
        _upstreamConnectFailures = Meter.CreateCounter<long>(MetricNames.UpstreamConnectFailures, "{attempt}", "Failed upstream connect attempts, one per endpoint tried, by service.");
        _configReloads = Meter.CreateCounter<long>(MetricNames.ConfigReloads, "{reload}", "Configuration reload attempts, by result (success, failure).");
        _requests = Meter.CreateCounter<long>(MetricNames.Requests, "{request}", "HTTP requests forwarded, by direction, service and status class (2xx...5xx).");
        _requestDuration = Meter.CreateHistogram(MetricNames.RequestDuration, "s", "HTTP request time from the request's headers to the end of its response, by direction and service.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = MetricBuckets.RequestDuration });
        _requestErrors = Meter.CreateCounter<long>(MetricNames.RequestErrors, "{request}", "HTTP requests Relay answered or ended with an error of its own (503, 502, 504, 400...), by direction, service and reason.");
        _serviceConnections = Meter.CreateCounter<long>(MetricNames.ServiceConnections, "{connection}", "Connections ended, by direction, service (outbound) or inbound port, and result (success: closed as completed).");
        _serviceActive = Meter.CreateUpDownCounter<long>(MetricNames.ServiceConnectionsActive, "{connection}", "Connections open now that were routed to a service (outbound) or an inbound port.");
        Meter.CreateObservableGauge(MetricNames.ConfigRevision, _config.ObserveRevision, null, "The running configuration revision (value is always 1).");
        Meter.CreateObservableGauge(MetricNames.ConfigLastReloadSuccess, _config.ObserveLastSuccess, "s", "Unix time of the last successful configuration load.");
        var buildInfo = new Measurement<long>(1, MetricTags.Tag(MetricNames.VersionTag, version ?? DefaultVersion()));
        Meter.CreateObservableGauge(MetricNames.BuildInfo, () => buildInfo, null, "Relay build version (value is always 1).");
    }

    /// <summary>The meter to hand to <see cref="PrometheusExporter"/>.</summary>
    public Meter Meter { get; }

    public void ConnectionOpened(Direction direction)
    {
        var tags = new TagList { MetricTags.For(direction) };
        _opened.Add(1, tags);
        _active.Add(1, tags);
    }

    /// <summary>
    /// Records the end of a connection that <see cref="ConnectionOpened"/> counted. <paramref name="service"/>
    /// is the service (outbound) or <c>inbound:PORT</c> it was routed to; null (passthrough, or refused
    /// before routing) is the label <c>-</c>. Bounded: both come from mesh.yaml.
    /// </summary>
    public void ConnectionClosed(Direction direction, CloseReason reason, long bytesToUpstream, long bytesToClient, TimeSpan duration, string? service = null, string? locality = null)
    {
        var direct = MetricTags.For(direction);
        var byService = MetricTags.Tag(MetricNames.ServiceTag, service ?? MetricNames.NoService);
        _active.Add(-1, new TagList { direct });
        _duration.Record(duration.TotalSeconds, new TagList { direct, byService });
        _closed.Add(1, new TagList { direct, MetricTags.For(reason) });
        _serviceConnections.Add(1, new TagList { direct, byService, reason == CloseReason.Completed ? MetricTags.Success : MetricTags.Failure });
        // Zero-byte adds are skipped: they would only create an empty series per direction.
        if (bytesToUpstream > 0)
        {
            _bytes.Add(bytesToUpstream, WithLocality(new TagList { direct, byService, MetricTags.ClientToUpstream }, locality));
        }
        if (bytesToClient > 0)
        {
            _bytes.Add(bytesToClient, WithLocality(new TagList { direct, byService, MetricTags.UpstreamToClient }, locality));
        }
    }

    /// <summary>A connection was routed to <paramref name="service"/>: open until <see cref="ServiceConnectionEnded"/>.</summary>
    public void ServiceConnectionStarted(Direction direction, string service) =>
        _serviceActive.Add(1, new TagList { MetricTags.For(direction), MetricTags.Tag(MetricNames.ServiceTag, service) });

    public void ServiceConnectionEnded(Direction direction, string service) =>
        _serviceActive.Add(-1, new TagList { MetricTags.For(direction), MetricTags.Tag(MetricNames.ServiceTag, service) });

    /// <summary>
    /// One upstream connect attempt. Only successes feed the latency histogram (a timeout would
    /// only measure the timeout); failures are counted per service (use "passthrough" for
    /// destinations not in the config).
    /// </summary>
    public void UpstreamConnect(string service, TimeSpan elapsed, bool succeeded)
    {
        if (succeeded)
        {
            _upstreamConnect.Record(elapsed.TotalSeconds);
            return;
        }
        _upstreamConnectFailures.Add(1, new TagList { MetricTags.Tag(MetricNames.ServiceTag, service) });
    }

    /// <summary>
    /// One HTTP request. Labels stay bounded: services and route names come from mesh.yaml (an
    /// unnamed route is <c>route-&lt;index&gt;</c>, no route <c>-</c>), the status only as its class.
    /// A per-route label as Linkerd's <c>route</c> / OpenTelemetry's <c>http.route</c>: a name, never a path.
    /// </summary>
    public void RequestCompleted(Direction direction, string service, int status, TimeSpan duration, string? route = null, string? locality = null)
    {
        var direct = MetricTags.For(direction);
        var byService = MetricTags.Tag(MetricNames.ServiceTag, service);
        var byRoute = MetricTags.Tag(MetricNames.RouteTag, route ?? MetricNames.NoRoute);
        _requests.Add(1, WithLocality(new TagList { direct, byService, byRoute, MetricTags.CodeClass(status) }, locality));
        _requestDuration.Record(duration.TotalSeconds, new TagList { direct, byService, byRoute });
    }

    /// <summary>
    /// A request that failed with a Relay reason (a <see cref="CloseReason"/> label, the x-relay-error
    /// value), counted beside <see cref="RequestCompleted"/>. Bounded: labels come from the enum.
    /// </summary>
    public void RequestFailed(Direction direction, string service, string reason) =>
        _requestErrors.Add(1, new TagList { MetricTags.For(direction), MetricTags.Tag(MetricNames.ServiceTag, service), MetricTags.Tag(MetricNames.ReasonTag, reason) });

    /// <summary>Adds <c>locality</c> when this host has a zone (issue 13: cross-zone traffic is what clouds bill).</summary>
    private static TagList WithLocality(TagList tags, string? locality)
    {
        if (locality is not null)
        {
            tags.Add(MetricNames.LocalityTag, locality);
        }
        return tags;
    }

    /// <summary>The first configuration load: sets revision and timestamp without counting a reload.</summary>
    public void ConfigLoaded(string revision) => _config.Loaded(revision, _time.GetUtcNow());

    /// <summary>
    /// A reload attempt. <paramref name="runningRevision"/> is the revision in force afterwards:
    /// the new one on success, the kept previous one on failure.
    /// </summary>
    public void ConfigReload(bool ok, string runningRevision)
    {
        _configReloads.Add(1, new TagList { ok ? MetricTags.Success : MetricTags.Failure });
        if (ok)
        {
            _config.Loaded(runningRevision, _time.GetUtcNow());
        }
        else
        {
            _config.KeepRevision(runningRevision);
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }

    private static string DefaultVersion() =>
        typeof(RelayMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(RelayMetrics).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
