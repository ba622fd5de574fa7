using System.Collections.Concurrent;
using Relay.Core.Vocabulary;

namespace Relay.Core.Observability;

/// <summary>
/// This host's traffic as the dashboard, <c>relay stat</c> and <c>relay top</c> read it (admin
/// <c>/stats</c>): per service (outbound) and inbound port, requests, failures (5xx), a latency
/// histogram and open connections, with p50/p99 over the last minute (<see cref="LatencyWindow"/>); per edge (caller identity → inbound port, this host →
/// service), requests and failures. Counters are cumulative since start: readers take rates from
/// two snapshots. Bounded like the metrics: services come from mesh.yaml, and at most
/// <see cref="MaxEdges"/> caller identities are kept apart, the rest count as "other".
/// </summary>
internal sealed class TrafficStats(TimeProvider? timeProvider = null)
{
    /// <summary>Linkerd's viz keeps per-edge stats for the peers a proxy sees; 256 covers a large mesh's callers of one host.</summary>
    public const int MaxEdges = 256;

    public const string OtherPeer = "other";
    public const string LocalPeer = "local";

    private readonly ConcurrentDictionary<(Direction, string), ServiceCell> _services = new();
    private readonly ConcurrentDictionary<(Direction, string, string), EdgeCell> _edges = new();
    private readonly ConcurrentDictionary<(Direction, string, string), ServiceCell> _routes = new();
    private readonly TopPaths _paths = new();
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <param name="route">The route that took the request (a name from mesh.yaml, so bounded); null: none, no route row.</param>
    public void Request(Direction direction, string service, string? peer, string method, string path, int status, TimeSpan duration, string? route = null)
    {
        var failed = status >= 500;
        var cell = _services.GetOrAdd((direction, service), static (_, time) => new ServiceCell(time), _time);
        cell.Record(failed, duration.TotalSeconds);
        if (route is not null)
        {
            _routes.GetOrAdd((direction, service, route), static (_, time) => new ServiceCell(time), _time).Record(failed, duration.TotalSeconds);
        }
        Edge(direction, service, peer).Record(failed);
        _paths.Record(direction, service, method, path, failed);
    }

    public void ConnectionStarted(Direction direction, string service) =>
        Interlocked.Increment(ref _services.GetOrAdd((direction, service), static (_, time) => new ServiceCell(time), _time).Active);

    public void ConnectionEnded(Direction direction, string service) =>
        Interlocked.Decrement(ref _services.GetOrAdd((direction, service), static (_, time) => new ServiceCell(time), _time).Active);

    public TrafficView View(DateTimeOffset now) => new(
        now.ToUnixTimeMilliseconds(),
        [.. _services.OrderBy(s => s.Key.Item1).ThenBy(s => s.Key.Item2, StringComparer.Ordinal)
            .Select(s => s.Value.View(s.Key.Item1.Label(), s.Key.Item2))],
        [.. _edges.OrderBy(e => e.Key.Item1).ThenBy(e => e.Key.Item2, StringComparer.Ordinal).ThenBy(e => e.Key.Item3, StringComparer.Ordinal)
            .Select(e => new EdgeView(e.Key.Item1.Label(), e.Key.Item2, e.Key.Item3, Volatile.Read(ref e.Value.Requests), Volatile.Read(ref e.Value.Failures)))],
        _paths.View())
    {
        WindowSeconds = (int)LatencyWindow.Window.TotalSeconds,
        Routes = [.. _routes.OrderBy(r => r.Key.Item1).ThenBy(r => r.Key.Item2, StringComparer.Ordinal).ThenBy(r => r.Key.Item3, StringComparer.Ordinal)
            .Select(r => r.Value.View(r.Key.Item1.Label(), r.Key.Item2) with { Route = r.Key.Item3 })],
    };

    private EdgeCell Edge(Direction direction, string service, string? peer)
    {
        var caller = direction == Direction.Outbound ? LocalPeer : peer ?? LocalPeer;
        if (_edges.TryGetValue((direction, service, caller), out var cell))
        {
            return cell;
        }
        return _edges.Count < MaxEdges
            ? _edges.GetOrAdd((direction, service, caller), static _ => new EdgeCell())
            : _edges.GetOrAdd((direction, service, OtherPeer), static _ => new EdgeCell());
    }

    private sealed class EdgeCell
    {
        public long Requests;
        public long Failures;

        public void Record(bool failed)
        {
            Interlocked.Increment(ref Requests);
            if (failed)
            {
                Interlocked.Increment(ref Failures);
            }
        }
    }

    private sealed class ServiceCell(TimeProvider time)
    {
        public long Active;
        private readonly LatencyWindow _window = new(time);
        private readonly long[] _buckets = new long[MetricBuckets.RequestDuration.Count + 1];
        private long _requests;
        private long _failures;

        public void Record(bool failed, double seconds)
        {
            Interlocked.Increment(ref _requests);
            if (failed)
            {
                Interlocked.Increment(ref _failures);
            }
            var i = 0;
            while (i < MetricBuckets.RequestDuration.Count && seconds > MetricBuckets.RequestDuration[i])
            {
                i++;
            }
            Interlocked.Increment(ref _buckets[i]);
            _window.Record(i);
        }

        public ServiceView View(string direction, string service)
        {
            var recent = _window.Counts();
            return new(direction, service, Volatile.Read(ref _requests), Volatile.Read(ref _failures), Volatile.Read(ref Active),
                Quantile.FromBuckets(0.5, recent, MetricBuckets.RequestDuration), Quantile.FromBuckets(0.99, recent, MetricBuckets.RequestDuration),
                (long[])_buckets.Clone()) { WindowRequests = recent.Sum() };
        }
    }
}

/// <summary>GET /stats.</summary>
internal sealed record TrafficView(long TimeUnixMs, List<ServiceView> Services, List<EdgeView> Edges, List<PathView> Paths)
{
    /// <summary>What the services' p50/p99 cover: the last this many seconds (<see cref="LatencyWindow"/>).</summary>
    public int WindowSeconds { get; init; }

    /// <summary>Per route of each service (<see cref="ServiceView.Route"/> set; active connections 0): requests routes took.</summary>
    public List<ServiceView> Routes { get; init; } = [];
}

/// <param name="P50Seconds">Over the last <see cref="TrafficView.WindowSeconds"/> (null: no request in it).</param>
/// <param name="LatencyBuckets">Requests per latency bucket (upper bounds: the request-duration histogram's, then +Inf), since start.</param>
internal sealed record ServiceView(string Direction, string Service, long Requests, long Failures, long ActiveConnections,
    double? P50Seconds, double? P99Seconds, long[] LatencyBuckets)
{
    /// <summary>Requests in the window the quantiles cover.</summary>
    public long WindowRequests { get; init; }

    /// <summary>In <see cref="TrafficView.Routes"/>: the route's name (mesh.yaml, or route-&lt;index&gt;); null in Services.</summary>
    public string? Route { get; init; }
}

/// <param name="Peer">The caller: its SPIFFE ID inbound (<c>local</c> for a plaintext caller), <c>local</c> outbound.</param>
internal sealed record EdgeView(string Direction, string Service, string Peer, long Requests, long Failures);

internal sealed record PathView(string Direction, string Service, string Method, string Path, long Requests, long Failures);
