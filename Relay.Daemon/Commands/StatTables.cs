using System.Globalization;
using System.Text;
using Relay.Core.Observability;

namespace Relay.Daemon.Commands;

/// <summary>
/// The tables of relay stat and relay top, from two /stats snapshots: rates, success and
/// latency quantiles are over the window between them (as `linkerd viz stat` reports a window),
/// not since start.
/// </summary>
internal static class StatTables
{
    /// <summary>The services table; then, when any service has routes, one row per route (as `linkerd viz routes`).</summary>
    public static string Stat(TrafficView before, TrafficView after)
    {
        var services = Table(["DIRECTION", "SERVICE", "SUCCESS", "RPS", "LATENCY_P50", "LATENCY_P99", "TCP_CONN"], 2,
            Rows(before.Services, after.Services, Seconds(before, after)).Select(r => r.Cells));
        if (after.Routes.Count == 0)
        {
            return services;
        }
        var routes = Rows(before.Routes, after.Routes, Seconds(before, after))
            .Select(r => (string[])[r.View.Direction, r.View.Service, r.View.Route ?? "-", .. r.Cells[2..^1]]);
        return services + "\n" + Table(["DIRECTION", "SERVICE", "ROUTE", "SUCCESS", "RPS", "LATENCY_P50", "LATENCY_P99"], 3, routes);
    }

    private static IEnumerable<(ServiceView View, string[] Cells)> Rows(List<ServiceView> before, List<ServiceView> after, double seconds) =>
        after.Select(s =>
        {
            var old = before.FirstOrDefault(b => b.Direction == s.Direction && b.Service == s.Service && b.Route == s.Route);
            var requests = Delta(s.Requests, old?.Requests);
            var failures = Delta(s.Failures, old?.Failures);
            var buckets = s.LatencyBuckets.Select((c, i) => Delta(c, old is null || old.LatencyBuckets.Length != s.LatencyBuckets.Length ? null : old.LatencyBuckets[i])).ToArray();
            return (s, new[]
            {
                s.Direction, s.Service, Success(requests, failures), Rate(requests, seconds),
                Latency(Quantile.FromBuckets(0.5, buckets, MetricBuckets.RequestDuration)),
                Latency(Quantile.FromBuckets(0.99, buckets, MetricBuckets.RequestDuration)),
                s.ActiveConnections.ToString(CultureInfo.InvariantCulture),
            });
        });

    /// <summary>The busiest paths in the window, most requests first, at most <paramref name="limit"/>.</summary>
    public static string Top(TrafficView before, TrafficView after, int limit)
    {
        var seconds = Seconds(before, after);
        var rows = after.Paths
            .Select(p => (Path: p, Old: before.Paths.FirstOrDefault(b => b.Direction == p.Direction && b.Service == p.Service && b.Method == p.Method && b.Path == p.Path)))
            .Select(x => (x.Path, Requests: Delta(x.Path.Requests, x.Old?.Requests), Failures: Delta(x.Path.Failures, x.Old?.Failures)))
            .Where(x => x.Requests > 0)
            .OrderByDescending(x => x.Requests).ThenBy(x => x.Path.Path, StringComparer.Ordinal)
            .Take(limit)
            .Select(x => new[]
            {
                x.Path.Direction, x.Path.Service, x.Path.Method, x.Path.Path,
                x.Requests.ToString(CultureInfo.InvariantCulture), Rate(x.Requests, seconds), Success(x.Requests, x.Failures),
            });
        return Table(["DIRECTION", "SERVICE", "METHOD", "PATH", "COUNT", "RPS", "SUCCESS"], 4, rows);
    }

    private static double Seconds(TrafficView before, TrafficView after) => Math.Max(0.001, (after.TimeUnixMs - before.TimeUnixMs) / 1000.0);

    /// <summary>A counter's increase; a smaller value means Relay restarted between the snapshots, so all of it is new.</summary>
    private static long Delta(long now, long? then) => then is { } t && now >= t ? now - t : now;

    private static string Success(long requests, long failures) =>
        requests == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * (requests - failures) / requests:F2}%");

    private static string Rate(long requests, double seconds) => string.Create(CultureInfo.InvariantCulture, $"{requests / seconds:F1}");

    private static string Latency(double? seconds) =>
        seconds is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s * 1000:0.##}ms") : "-";

    /// <param name="names">How many leading columns are names (left-aligned); the rest are numbers (right-aligned).</param>
    private static string Table(string[] header, int names, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { header };
        all.AddRange(rows);
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            // Names left-aligned, numbers right-aligned, two spaces apart (kubectl's and linkerd's layout).
            for (var i = 0; i < row.Length; i++)
            {
                var cell = i < names ? row[i].PadRight(widths[i]) : row[i].PadLeft(widths[i]);
                text.Append(i + 1 < row.Length ? cell + "  " : cell.TrimEnd());
            }
            text.Append('\n');
        }
        return text.ToString();
    }
}
