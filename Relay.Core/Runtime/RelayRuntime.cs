using Microsoft.Extensions.Logging;
using Relay.Core.Capture;
using Relay.Core.Config;
using Relay.Core.Connections;
using Relay.Core.Listeners;
using Relay.Core.Mtls;
using Relay.Core.Observability;
using Relay.Core.Pipeline;

namespace Relay.Core.Runtime;

/// <summary>
/// Everything a running Relay owns: the active config, the listeners, the live connections.
/// The daemon and the loopback tests drive the same object: start, reload, drain.
/// </summary>
internal sealed class RelayRuntime : IAsyncDisposable
{
    private readonly ListenerSet _listeners;
    private readonly ActiveConfigHolder _config;
    private readonly ILogger _logger;

    public RelayRuntime(
        ConfigSnapshot initial, RelayMetrics metrics, ILoggerFactory loggerFactory,
        DestinationResolver? resolveDestination = null, MeshTlsRuntime? tls = null)
    {
        Tls = tls;
        _logger = loggerFactory.CreateLogger("Relay");
        _config = new ActiveConfigHolder(ActiveConfig.Create(initial));
        Metrics = metrics;
        var handler = new ConnectionHandler(_config, Registry, new ConnectionRecorder(loggerFactory.CreateLogger("Relay.Access"), metrics),
            resolveDestination ?? OriginalDestinationReader.TryRead, tls, _logger);
        _listeners = new ListenerSet(handler.HandleAsync, _logger);
    }

    public ConnectionRegistry Registry { get; } = new();

    public RelayMetrics Metrics { get; }

    /// <summary>Mesh TLS credentials and handshaker; null when the config has no tls section.</summary>
    public MeshTlsRuntime? Tls { get; }

    public ConfigSnapshot Current => _config.Current.Snapshot;

    public ActiveConfig ActiveConfig => _config.Current;

    public bool IsReady { get; private set; }

    public RunningConfigView ConfigView { get; private set; } = null!;

    /// <summary>GET /clusters: each service's endpoints and their passive health.</summary>
    public object ClustersView() => _config.Current.Clusters.All.Select(cluster => new
    {
        Service = cluster.Service.Name,
        Endpoints = cluster.Endpoints.Select((endpoint, i) => new
        {
            Address = endpoint.ToString(),
            ConsecutiveFailures = cluster.HealthOf(i).ConsecutiveFailures,
            Ejected = cluster.HealthOf(i).IsEjected(Environment.TickCount64),
        }),
    }).ToList();

    /// <summary>Binds every listener of the initial config; throws if one cannot be bound.</summary>
    public async Task StartAsync()
    {
        await _listeners.ReconcileAsync(ListenerSet.Desired(Current)).ConfigureAwait(false);
        ConfigView = RunningConfigView.Of(Current, DateTimeOffset.UtcNow);
        IsReady = true;
    }

    /// <summary>Swaps in a validated snapshot: new connections use it, live ones keep theirs.</summary>
    public async Task ApplyAsync(ConfigSnapshot next)
    {
        await OpenListenersAsync(next).ConfigureAwait(false);
        Swap(next);
        await CloseListenersNotInAsync(next).ConfigureAwait(false);
    }

    // The three phases of ApplyAsync, for a caller (Lifecycle.ConfigLifecycle) that changes capture
    // rules between them: open before the swap, close only after traffic no longer lands there.

    /// <summary>Binds the listeners <paramref name="next"/> adds; on a bind failure closes them again and throws.</summary>
    public Task OpenListenersAsync(ConfigSnapshot next) => _listeners.OpenAsync(ListenerSet.Desired(next));

    /// <summary>Installs <paramref name="next"/> for new connections; returns the snapshot it replaced.</summary>
    public ConfigSnapshot Swap(ConfigSnapshot next)
    {
        var previous = _config.Swap(next);
        ConfigView = RunningConfigView.Of(next, DateTimeOffset.UtcNow) with { LastReload = ConfigView?.LastReload };
        return previous.Snapshot;
    }

    /// <summary>Stops accepting on listeners <paramref name="current"/> does not ask for.</summary>
    public Task CloseListenersNotInAsync(ConfigSnapshot current) => _listeners.CloseExceptAsync(ListenerSet.Desired(current));

    /// <summary>Makes the outcome of the latest reload attempt visible in GET /config.</summary>
    public void RecordReload(ReloadReport report) => ConfigView = ConfigView with { LastReload = report };

    /// <summary>Stops accepting, waits for live connections up to the drain timeout, resets the rest.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken = default)
    {
        IsReady = false;
        await _listeners.DisposeAsync().ConfigureAwait(false);
        // Idle pooled mesh connections carry nothing: close them now so peers stop picking them.
        Tls?.Pool.Close();
        await Registry.DrainAsync(Current.Limits.DrainTimeout, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _listeners.DisposeAsync().ConfigureAwait(false);
        await Registry.DrainAsync(TimeSpan.Zero).ConfigureAwait(false);
        await Registry.DisposeAsync().ConfigureAwait(false);
        Tls?.Dispose();
    }
}
