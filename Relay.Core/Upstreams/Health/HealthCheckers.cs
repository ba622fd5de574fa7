using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Relay.Core.Mtls;
using Relay.Core.Net;

namespace Relay.Core.Upstreams.Health;

/// <summary>
/// The active health check loops of the running config: one <see cref="HealthCheckLoop"/> per
/// endpoint of each service with a <c>health_check</c>. <see cref="Reconcile"/> runs after each
/// swap: loops for endpoints that stayed keep running (and their endpoint keeps its verdict),
/// new endpoints get a loop, removed ones (or a removed health_check) have theirs stopped.
/// Check results are counted here by service, so the counter never drops when endpoints go.
/// </summary>
internal sealed partial class HealthCheckers(Func<(ClusterSet Clusters, MeshTlsRuntime? Tls)> current, ILogger logger, TimeProvider? time = null) : IAsyncDisposable
{
    private static readonly HealthCheckResult[] Results = Enum.GetValues<HealthCheckResult>();

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Service, NetEndpoint Endpoint), HealthCheckLoop> _loops = new();
    private readonly List<Task> _stopping = new();
    private readonly ConcurrentDictionary<string, long[]> _counts = new(StringComparer.Ordinal);
    private bool _disposed;

    public TimeProvider Time { get; } = time ?? TimeProvider.System;

    /// <summary>The endpoints being checked now, as (service, endpoint).</summary>
    public IReadOnlyCollection<(string Service, NetEndpoint Endpoint)> Checked
    {
        get
        {
            lock (_lock)
            {
                return [.. _loops.Keys];
            }
        }
    }

    /// <summary>Starts and stops loops to match <paramref name="clusters"/> (the config just swapped in).</summary>
    public void Reconcile(ClusterSet clusters)
    {
        var wanted = clusters.All.Where(c => c.Service.HealthCheck is not null)
            .SelectMany(c => c.Endpoints.Select(e => (c.Service.Name, e))).ToHashSet();
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            foreach (var key in _loops.Keys.Where(k => !wanted.Contains(k)).ToList())
            {
                _loops.Remove(key, out var loop);
                loop!.Stop();
                _stopping.Add(loop.Completion);
            }
            _stopping.RemoveAll(t => t.IsCompleted);
            foreach (var key in wanted.Where(k => !_loops.ContainsKey(k)))
            {
                _loops[key] = new HealthCheckLoop(this, key.Item1, key.Item2);
            }
        }
    }

    /// <summary>Checks that ended, by service and result (relay_health_checks_total).</summary>
    public IEnumerable<(string Service, HealthCheckResult Result, long Count)> Counts() =>
        _counts.SelectMany(c => Results.Select(r => (c.Key, r, Interlocked.Read(ref c.Value[(int)r]))));

    /// <summary>What the running config says about this loop's endpoint; null once it no longer asks for the check.</summary>
    internal CheckTarget? Find(string service, NetEndpoint endpoint)
    {
        var (clusters, tls) = current();
        return clusters.Find(service) is { Service.HealthCheck: not null } cluster && cluster.Endpoints.Contains(endpoint)
            ? new CheckTarget(cluster, tls)
            : null;
    }

    internal void Record(CheckTarget target, NetEndpoint endpoint, HealthCheckResult result)
    {
        Interlocked.Increment(ref _counts.GetOrAdd(target.Service.Name, _ => new long[Results.Length])[(int)result]);
        var index = target.Cluster.Endpoints.IndexOf(endpoint);
        if (index < 0)
        {
            return;
        }
        var state = target.Cluster.StateOf(index);
        if (state.Active.Record(result, target.Service.HealthCheck!) is { } changed)
        {
            Changed(logger, changed == HealthCheckState.Healthy ? LogLevel.Information : LogLevel.Warning, target.Service.Name, endpoint.ToString(), changed.Word(), result.Label());
        }
        if (result == HealthCheckResult.Passed && state.Health.EndEjection(Environment.TickCount64))
        {
            Unejected(logger, target.Service.Name, endpoint.ToString());
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<Task> running;
        lock (_lock)
        {
            _disposed = true;
            foreach (var loop in _loops.Values)
            {
                loop.Stop();
                _stopping.Add(loop.Completion);
            }
            _loops.Clear();
            running = [.. _stopping];
        }
        await Task.WhenAll(running).ConfigureAwait(false);
    }

    [LoggerMessage(Message = "health check: {Service} endpoint {Endpoint} is now {State} (last check: {Result})")]
    private static partial void Changed(ILogger logger, LogLevel level, string service, string endpoint, string state, string result);

    [LoggerMessage(Level = LogLevel.Information, Message = "health check: {Service} endpoint {Endpoint} passed, ending its outlier ejection")]
    private static partial void Unejected(ILogger logger, string service, string endpoint);
}
