using System.Collections.Concurrent;
using Relay.Core.Vocabulary;

namespace Relay.Core.Observability;

/// <summary>
/// This host's traffic as the dashboard, <c>relay stat</c> and <c>relay top</c> read it (admin
/// <c>/stats</c>): per service (outbound) and inbound port, requests, failures (5xx), a latency
/// histogram and open connections; per edge (caller identity → inbound port, this host →
/// service), requests and failures. Counters are cumulative since start: readers take rates from
/// two snapshots. Bounded like the metrics: services come from mesh.yaml, and at most
/// <see cref="MaxEdges"/> caller identities are kept apart, the rest count as "other".
/// </summary>
internal sealed class TrafficStats
{
    /// <summary>Linkerd's viz keeps per-edge stats for the peers a proxy sees; 256 covers a large mesh's callers of one host.</summary>
    public const int MaxEdges = 256;

    public const string OtherPeer = "other";
    public const string LocalPeer = "local";

    private readonly ConcurrentDictionary<(Direction, string), ServiceCell> _services = new();
    private readonly ConcurrentDictionary<(Direction, string, string), EdgeCell> _edges = new();
    private readonly TopPaths _paths = new();

    public void Request(Direction direction, string service, string? peer, string method, string path, int status, TimeSpan duration)
    {
        var failed = status >= 500;
        var cell = _services.GetOrAdd((direction, service), static _ => new ServiceCell());
        cell.Record(failed, duration.TotalSeconds);
        Edge(direction, service, peer).Record(failed);
        _paths.Record(direction, service, method, path, failed);
    }

    public void ConnectionStarted(Direction direction, string service) =>
        Interlocked.Increment(ref _services.GetOrAdd((direction, service), static _ => new ServiceCell()).Active);

    public void ConnectionEnded(Direction direction, string service) =>
        Interlocked.Decrement(ref _services.GetOrAdd((direction, service), static _ => new ServiceCell()).Active);

    public TrafficView View(DateTimeOffset now) => new(
        now.ToUnixTimeMilliseconds(),
        [.. _services.OrderBy(s => s.Key.Item1).ThenBy(s => s.Key.Item2, StringComparer.Ordinal)
            .Select(s => s.Value.View(s.Key.Item1.Label(), s.Key.Item2))],
        [.. _edges.OrderBy(e => e.Key.Item1).ThenBy(e => e.Key.Item2, StringComparer.Ordinal).ThenBy(e => e.Key.Item3, StringComparer.Ordinal)
            .Select(e => new EdgeView(e.Key.Item1.Label(), e.Key.Item2, e.Key.Item3, Volatile.Read(ref e.Value.Requests), Volatile.Read(ref e.Value.Failures)))],
        _paths.View());

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

    private sealed class ServiceCell
    {
        public long Active;
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
        }

        public ServiceView View(string direction, string service)
        {
            var counts = (long[])_buckets.Clone();
            return new(direction, service, Volatile.Read(ref _requests), Volatile.Read(ref _failures), Volatile.Read(ref Active),
                Quantile.FromBuckets(0.5, counts, MetricBuckets.RequestDuration), Quantile.FromBuckets(0.99, counts, MetricBuckets.RequestDuration),
                counts);
        }
    }
}

/// <summary>GET /stats.</summary>
internal sealed record TrafficView(long TimeUnixMs, List<ServiceView> Services, List<EdgeView> Edges, List<PathView> Paths);

/// <param name="LatencyBuckets">Requests per latency bucket (upper bounds: the request-duration histogram's, then +Inf), since start.</param>
internal sealed record ServiceView(string Direction, string Service, long Requests, long Failures, long ActiveConnections,
    double? P50Seconds, double? P99Seconds, long[] LatencyBuckets);

/// <param name="Peer">The caller: its SPIFFE ID inbound (<c>local</c> for a plaintext caller), <c>local</c> outbound.</param>
internal sealed record EdgeView(string Direction, string Service, string Peer, long Requests, long Failures);

internal sealed record PathView(string Direction, string Service, string Method, string Path, long Requests, long Failures);
