using Microsoft.Extensions.Logging;
using Relay.Core.Admin;
using Relay.Core.Capture;
using Relay.Core.Config;
using Relay.Core.Connections;
using Relay.Core.Http;
using Relay.Core.Listeners;
using Relay.Core.Mtls;
using Relay.Core.Observability;
using Relay.Core.Pipeline;
using Relay.Core.Tracing;
using Relay.Core.Upstreams;
using Relay.Core.Upstreams.Health;
using Relay.Core.Upstreams.Discovery;
using Relay.Tls.MeshTls;

namespace Relay.Core.Runtime;

/// <summary>
/// Everything a running Relay owns: the active config (snapshot, clusters and mesh TLS material,
/// swapped as one), the listeners, the admin server, the live connections. The daemon and the
/// loopback tests drive the same object: start, reload, drain.
/// </summary>
internal sealed class RelayRuntime : IAsyncDisposable
{
    private readonly ListenerSet _listeners;
    private readonly ActiveConfigHolder _config;
    private readonly ILogger _logger;
    private readonly HttpServer _http;
    private readonly ILogger _tlsLogger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TlsMetrics _tlsMetrics;
    private readonly MemoryReclaimer _reclaimer;
    private readonly DnsDiscovery _discovery;
    private AdminListener? _admin;
    private RunningConfigView _configView = null!;

    private RelayRuntime(ActiveConfig initial, RelayMetrics metrics, TlsMetrics tlsMetrics, ILoggerFactory loggerFactory, DestinationResolver? resolveDestination)
    {
        _logger = loggerFactory.CreateLogger("Relay");
        _tlsLogger = loggerFactory.CreateLogger("Relay.Tls");
        _loggerFactory = loggerFactory;
        _tlsMetrics = tlsMetrics;
        _config = new ActiveConfigHolder(initial);
        // The gauge follows whatever material the running config holds, across rotations and reloads.
        TrackExpiry();
        Metrics = metrics;
        HealthChecks = new HealthCheckers(() => (_config.Current.Clusters, _config.Current.Tls), loggerFactory.CreateLogger("Relay.Health"));
        ClusterMetrics.Register(metrics.Meter, _config, HealthChecks);
        ProcessMetrics.Register(metrics.Meter);
        var recorder = new ConnectionRecorder(loggerFactory.CreateLogger("Relay.Access"), metrics, Stats);
        // Reloads swap it (Swap); requests in flight keep the generation they began under.
        Tracing = new TracingState(initial.Snapshot.Tracing, metrics.Meter);
        var requests = new RequestRecorder(loggerFactory.CreateLogger("Relay.Access"), metrics, Tracing, Stats);
        _http = new HttpServer(new ClusterInvokers(recorder), requests, _config, loggerFactory);
        // Carried to every later revision's guards (CanaryGuards.For).
        initial.Guards.Tripped = cut =>
        {
            GuardLog.Tripped(_logger, cut);
            requests.Routes.GuardTripped(cut.Service, cut.Route, cut.Backend);
            OverridesChanged?.Invoke();
        };
        _http.Apply(initial.Snapshot.Limits);
        var handler = new ConnectionHandler(_config, Registry, recorder,
            resolveDestination ?? OriginalDestinationReader.TryRead, new HttpProxy(_http), _logger);
        _listeners = new ListenerSet(handler.HandleAsync, _logger);
        _reclaimer = new MemoryReclaimer(() => Registry.Count, _logger);
        _discovery = new DnsDiscovery(new DiscoveredEndpointsApplier(_config), metrics.Meter, loggerFactory.CreateLogger("Relay.Discovery"));
    }

    /// <summary>
    /// A runtime for <paramref name="initial"/>, its TLS material loaded and validated; or, when the
    /// material is unusable (a missing file, a key that does not fit, a certificate that is not
    /// mesh.identity), no runtime and every problem found.
    /// </summary>
    public static (RelayRuntime? Runtime, IReadOnlyList<string> Errors) Create(
        ConfigSnapshot initial, RelayMetrics metrics, ILoggerFactory loggerFactory, DestinationResolver? resolveDestination = null)
    {
        var tlsMetrics = new TlsMetrics(metrics.Meter);
        var (tls, errors) = OpenTls(initial, tlsMetrics, loggerFactory.CreateLogger("Relay.Tls"));
        if (errors.Count > 0)
        {
            tlsMetrics.Dispose();
            return (null, errors);
        }
        return (new RelayRuntime(ActiveConfig.Create(initial, tls: tls), metrics, tlsMetrics, loggerFactory, resolveDestination), []);
    }

    public ConnectionRegistry Registry { get; } = new();

    public RelayMetrics Metrics { get; }

    /// <summary>The active health check loops; started by <see cref="StartAsync"/>, matched to each swapped-in config.</summary>
    public HealthCheckers HealthChecks { get; }

    /// <summary>GET /stats: per service, edge and path, for the dashboard and relay stat/top.</summary>
    public TrafficStats Stats { get; } = new();

    /// <summary>Span export as the running config's tracing section asks (off without one).</summary>
    public TracingState Tracing { get; }

    /// <summary>The running config's mesh TLS; null while the running config has no tls section.</summary>
    public MeshTlsRuntime? Tls => _config.Current.Tls;

    public ConfigSnapshot Current => _config.Current.Snapshot;

    public ActiveConfig ActiveConfig => _config.Current;

    public bool IsReady { get; private set; }

    /// <summary>GET /config: the running revision and file, the canary guards' runtime overrides of it, and the endpoint sets discovered for it now.</summary>
    public RunningConfigView ConfigView
    {
        get => _configView with
        {
            Overrides = _config.Current.Guards.Overrides,
            Discovered = [.. _discovery.Statuses.OrderBy(s => s.Service, StringComparer.Ordinal).Select(DiscoveryView.Of)],
        };
        private set => _configView = value;
    }

    /// <summary>Raised when a canary guard cut a backend (the lifecycle rewrites the state file for <c>relay config status</c>).</summary>
    public event Action? OverridesChanged;

    /// <summary>The proxy listeners open now.</summary>
    public IReadOnlyCollection<ListenerSpec> OpenListeners => _listeners.Open;

    /// <summary>The admin addresses bound now (empty until <see cref="StartAdminAsync"/>).</summary>
    public IReadOnlyCollection<Net.NetEndpoint> AdminAddresses => _admin?.Addresses ?? [];

    /// <summary>GET /clusters: each service's balancer, and its endpoints' health, in-flight count and latency estimate.</summary>
    public List<ClusterView> ClustersView()
    {
        var now = Environment.TickCount64;
        return _config.Current.Clusters.All.Select(cluster => new ClusterView(
            cluster.Service.Name,
            cluster.States.Select((state, i) => new EndpointHealthView(state.Address.ToString(), state.Health.ConsecutiveFailures, state.Health.IsEjected(now))
            {
                InFlight = state.InFlight,
                EwmaLatencyMs = Math.Round(state.Latency.EstimateMs(now), 3),
                Zone = cluster.Service.EndpointDetails.Length > i ? cluster.Service.EndpointDetails[i].Zone : null,
                HealthCheck = cluster.Service.HealthCheck is null ? null : state.Active.State.Word(),
                LastCheckFailure = cluster.Service.HealthCheck is null ? null : state.Active.LastFailure?.Label(),
            }).ToList())
        {
            LoadBalancing = Config.Reading.ConfigWords.LoadBalancers.First(w => w.Value == cluster.Service.LoadBalancing).Key,
            LocalZone = cluster.LocalZone,
            Discovery = _discovery.StatusOf(cluster.Service.Name) is { } status ? DiscoveryView.Of(status) : null,
        }).ToList();
    }

    /// <summary>
    /// Resolves the discovered services once (each query bounded by discovery.query_timeout, with
    /// one retry), as Envoy warms a STRICT_DNS cluster before its listener serves, then binds every
    /// listener of the initial config; throws if one cannot be bound. A service whose first query
    /// failed starts without endpoints and fills in when its name resolves.
    /// </summary>
    public async Task StartAsync()
    {
        var firstAnswers = _discovery.Reconcile(Current);
        await Task.WhenAny(firstAnswers, Task.Delay(2 * Current.Discovery.QueryTimeout + TimeSpan.FromSeconds(1))).ConfigureAwait(false);
        await _listeners.ReconcileAsync(ListenerSet.Desired(Current), Current.Limits.DrainTimeout).ConfigureAwait(false);
        ConfigView = RunningConfigView.Of(Current, DateTimeOffset.UtcNow);
        HealthChecks.Reconcile(_config.Current.Clusters);
        IsReady = true;
    }

    /// <summary>Serves the admin endpoints at the running config's admin.address, and from then on wherever reloads move it.</summary>
    /// <exception cref="AdminBindException">The address could not be bound.</exception>
    public async Task StartAdminAsync(AdminEndpoints endpoints, CancellationToken cancellationToken = default)
    {
        _admin = new AdminListener(endpoints, _loggerFactory);
        await _admin.OpenAsync(Current.Admin.Address, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Swaps in a validated snapshot (no capture rules to follow): new connections use it, live ones keep theirs.</summary>
    /// <returns>The TLS errors that rejected it; empty when it was applied.</returns>
    public async Task<IReadOnlyList<string>> ApplyAsync(ConfigSnapshot next)
    {
        var (prepared, errors) = Prepare(next);
        if (prepared is null)
        {
            return errors;
        }
        try
        {
            await OpenListenersAsync(next).ConfigureAwait(false);
        }
        catch
        {
            Discard(prepared);
            throw;
        }
        var previous = Swap(prepared);
        await CloseListenersNotInAsync(next).ConfigureAwait(false);
        Retire(previous);
        return [];
    }

    // The phases of ApplyAsync, for a caller (Lifecycle.ConfigLifecycle) that changes capture
    // rules between them: prepare (TLS) and open before the swap, close and retire only after
    // traffic no longer lands there.

    /// <summary>
    /// Builds what <paramref name="next"/> runs with, before anything changes: its clusters, and its
    /// mesh TLS, either the running material (same tls and mesh settings; its files are re-read as
    /// a SIGHUP asks) or new material loaded and validated now. Errors when that material is unusable;
    /// then nothing was changed.
    /// </summary>
    public (ActiveConfig? Prepared, IReadOnlyList<string> Errors) Prepare(ConfigSnapshot next)
    {
        var running = _config.Current;
        if (running.Tls is { } same && same.Serves(next))
        {
            same.Store.Reload();
            return (ActiveConfig.Create(next, running, same), []);
        }
        var (tls, errors) = OpenTls(next, _tlsMetrics, _tlsLogger);
        TrackExpiry();
        var kept = running.Tls is null ? "the running config (no tls) stays" : "still serving the running TLS material";
        return errors.Count > 0
            ? (null, [.. errors.Select(e => $"{next.SourcePath}: tls: {e}; {kept}")])
            : (ActiveConfig.Create(next, running, tls), []);
    }

    /// <summary>Drops a prepared config that was never swapped in (or was swapped out again by an undo).</summary>
    public void Discard(ActiveConfig prepared)
    {
        if (prepared.Tls is { } tls && !ReferenceEquals(tls, _config.Current.Tls))
        {
            tls.Dispose();
        }
    }

    /// <summary>Binds the listeners (and the admin address) <paramref name="next"/> adds; on a bind failure closes them again and throws.</summary>
    public async Task OpenListenersAsync(ConfigSnapshot next)
    {
        await _listeners.OpenAsync(ListenerSet.Desired(next)).ConfigureAwait(false);
        if (_admin is null)
        {
            return;
        }
        try
        {
            await _admin.OpenAsync(next.Admin.Address).ConfigureAwait(false);
        }
        catch (AdminBindException)
        {
            await _listeners.CloseExceptAsync(ListenerSet.Desired(Current), drainTimeout: null).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Installs <paramref name="next"/> for new connections; returns the config it replaced.</summary>
    public ActiveConfig Swap(ActiveConfig next)
    {
        // Tracing first: building its provider is the one step here that could throw, and then
        // nothing has changed and the reload reports the revision still running.
        Tracing.Apply(next.Snapshot.Tracing);
        var previous = _config.Swap(next);
        _http.Apply(next.Snapshot);
        if (IsReady)
        {
            HealthChecks.Reconcile(next.Clusters);
        }
        ConfigView = RunningConfigView.Of(next.Snapshot, DateTimeOffset.UtcNow) with { LastReload = _configView?.LastReload, RecentReloads = _configView?.RecentReloads ?? [] };
        // Starts and stops discovery loops for the new services, and re-installs the last good
        // sets: a discovered set that landed between Prepare and this swap is not lost.
        _ = _discovery.Reconcile(next.Snapshot);
        return previous;
    }

    /// <summary>
    /// Stops accepting on listeners (and the admin address) <paramref name="current"/> does not ask
    /// for; their live connections drain for <paramref name="current"/>'s limits.drain_timeout.
    /// </summary>
    public async Task CloseListenersNotInAsync(ConfigSnapshot current)
    {
        await _listeners.CloseExceptAsync(ListenerSet.Desired(current), current.Limits.DrainTimeout).ConfigureAwait(false);
        if (_admin is not null)
        {
            await _admin.CloseExceptAsync(current.Admin.Address).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After a swap: retires the replaced config's TLS material when the new config does not use it
    /// (stops watching its files, closes its idle pooled connections and idle server-side relay/2
    /// connections). Live connections keep the credentials they hold and finish on them.
    /// </summary>
    public void Retire(ActiveConfig previous)
    {
        if (previous.Tls is { } tls && !ReferenceEquals(tls, _config.Current.Tls))
        {
            tls.Dispose();
        }
    }

    /// <summary>Makes the outcome of the latest reload attempt visible in GET /config (and keeps the few before it).</summary>
    public void RecordReload(ReloadReport report) => ConfigView = _configView.WithReload(report);

    /// <summary>Stops accepting, waits for live connections up to the drain timeout, resets the rest.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken = default)
    {
        IsReady = false;
        await _discovery.DisposeAsync().ConfigureAwait(false);
        await _listeners.DisposeAsync().ConfigureAwait(false);
        // Draining: no new traffic will be balanced, so nothing needs the checks' verdicts.
        await HealthChecks.DisposeAsync().ConfigureAwait(false);
        // Idle pooled mesh connections carry nothing: close them now so peers stop picking them.
        Tls?.Pool.Close();
        // HTTP connections are told to finish (GOAWAY, Connection: close) while the registry waits.
        using var httpDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        httpDeadline.CancelAfter(Current.Limits.DrainTimeout);
        var http = _http.StopAsync(httpDeadline.Token);
        await Registry.DrainAsync(Current.Limits.DrainTimeout, cancellationToken).ConfigureAwait(false);
        await http.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await HealthChecks.DisposeAsync().ConfigureAwait(false);
        await _discovery.DisposeAsync().ConfigureAwait(false);
        await _listeners.DisposeAsync().ConfigureAwait(false);
        if (_admin is not null)
        {
            await _admin.DisposeAsync().ConfigureAwait(false);
        }
        await Registry.DrainAsync(TimeSpan.Zero).ConfigureAwait(false);
        await Registry.DisposeAsync().ConfigureAwait(false);
        await _reclaimer.DisposeAsync().ConfigureAwait(false);
        await _http.DisposeAsync().ConfigureAwait(false);
        // After the HTTP server: every span has ended; shutdown flushes them (bounded by the export timeout).
        Tracing.Dispose();
        Tls?.Dispose();
        _tlsMetrics.Dispose();
    }

    private static (MeshTlsRuntime? Tls, IReadOnlyList<string> Errors) OpenTls(ConfigSnapshot snapshot, TlsMetrics metrics, ILogger logger) =>
        snapshot.Tls is { } settings ? MeshTlsRuntime.Open(settings, snapshot.Mesh, metrics, logger) : (null, []);

    // CredentialStore points the gauge at each store it opens; the running config's is the one that counts.
    private void TrackExpiry() => _tlsMetrics.TrackExpiry(() => _config?.Current.Tls?.Store.Current.NotAfter);
}
