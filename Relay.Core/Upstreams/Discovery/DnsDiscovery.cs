using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Relay.Core.Config;

namespace Relay.Core.Upstreams.Discovery;

/// <summary>
/// The discovery loops of the running config: one per service with <c>dns:</c>/<c>srv:</c>.
/// <see cref="Reconcile"/> follows each swapped-in snapshot: a loop whose service, source and
/// discovery settings are unchanged keeps running (and re-installs its last good set, which a
/// reload prepared from an older cluster set may have missed); others stop or start.
/// </summary>
internal sealed class DnsDiscovery : IAsyncDisposable
{
    private readonly Dictionary<string, DiscoveryLoop> _loops = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly IDiscoveredEndpointsSink _sink;
    private readonly DiscoveryMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<DiscoverySnapshot, IDnsResolver> _resolverFor;
    private (DiscoverySnapshot Settings, IDnsResolver Resolver)? _resolver;

    public DnsDiscovery(IDiscoveredEndpointsSink sink, Meter meter, ILogger logger, TimeProvider? time = null, Func<DiscoverySnapshot, IDnsResolver>? resolverFor = null)
    {
        (_sink, _logger, _time) = (sink, logger, time ?? TimeProvider.System);
        _resolverFor = resolverFor ?? (settings => new DnsClientResolver(settings));
        _metrics = new DiscoveryMetrics(meter, () => Statuses, _time);
    }

    /// <summary>Every discovered service's status now (for /clusters, /config and the gauges).</summary>
    public IReadOnlyList<DiscoveryStatus> Statuses
    {
        get
        {
            lock (_gate)
            {
                return [.. _loops.Values.Select(l => l.Status)];
            }
        }
    }

    public DiscoveryStatus? StatusOf(string service)
    {
        lock (_gate)
        {
            return _loops.GetValueOrDefault(service)?.Status;
        }
    }

    /// <summary>Starts, keeps or stops loops for <paramref name="snapshot"/>; returns the loops' first answers (for start-up to wait on).</summary>
    public Task Reconcile(ConfigSnapshot snapshot)
    {
        List<DiscoveryLoop> stopped = [];
        List<Task> first = [];
        lock (_gate)
        {
            var resolver = ResolverFor(snapshot.Discovery);
            var wanted = snapshot.Services.Where(s => s.Discovery is not null).ToDictionary(s => s.Name, StringComparer.Ordinal);
            foreach (var (name, loop) in _loops.ToList())
            {
                if (!wanted.TryGetValue(name, out var service) || service.Discovery != loop.Status.Source || !ReferenceEquals(loop.Resolver, resolver))
                {
                    stopped.Add(loop);
                    _loops.Remove(name);
                }
            }
            foreach (var (name, service) in wanted)
            {
                if (_loops.TryGetValue(name, out var kept))
                {
                    kept.Reapply();
                    continue;
                }
                var loop = new DiscoveryLoop(name, service.Discovery!, snapshot.Discovery, resolver, _sink, _metrics, _logger, _time);
                _loops[name] = loop;
                loop.Start();
                first.Add(loop.FirstAnswer);
            }
        }
        _ = StopAsync(stopped);
        return Task.WhenAll(first);
    }

    private IDnsResolver ResolverFor(DiscoverySnapshot settings)
    {
        if (_resolver is not { } current || current.Settings != settings)
        {
            _resolver = (settings, _resolverFor(settings));
        }
        return _resolver.Value.Resolver;
    }

    private static async Task StopAsync(List<DiscoveryLoop> loops)
    {
        foreach (var loop in loops)
        {
            await loop.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<DiscoveryLoop> loops;
        lock (_gate)
        {
            loops = [.. _loops.Values];
            _loops.Clear();
        }
        await StopAsync(loops).ConfigureAwait(false);
    }
}
