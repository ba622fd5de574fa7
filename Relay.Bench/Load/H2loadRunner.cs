using System.Globalization;
using System.Text.RegularExpressions;

namespace Relay.Bench.Load;

/// <summary>Runs h2load (Debian nghttp2-client) once over h2c with prior knowledge, bounded in time, and parses its report.</summary>
internal static partial class H2loadRunner
{
    // h2load stops itself after -D; this margin only catches a hung h2load (then it is killed).
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(15);

    public static async Task<WrkResult> RunAsync(int port, Workload workload, TimeSpan duration, CancellationToken cancellationToken)
    {
        // One thread, like wrk: on a 2-core machine the proxy and nginx need the other core.
        string[] args = ["-t1", $"-c{workload.Connections}", $"-m{workload.H2Streams}", $"-D{Math.Max(1, (int)duration.TotalSeconds)}",
            $"http://127.0.0.1:{port}{workload.Path}"];
        var output = await BoundedProcess.RunAsync("h2load", args, duration + Margin, $"h2load against port {port}", cancellationToken);
        var text = output.Stdout + output.Stderr;
        return Parse(text) ?? throw new InvalidOperationException($"could not parse h2load output:\n{text}");
    }

    /// <summary>
    /// h2load 1.52's summary: "finished in 3.00s, 46119.67 req/s, 46.36MB/s", "requests: N total, N
    /// started, N done, N succeeded, N failed, N errored, N timeout", "status codes: N 2xx, N 3xx, N 4xx, N 5xx".
    /// Failed, errored and timed-out requests count as socket errors, non-2xx statuses as wrk's Non2xx.
    /// </summary>
    internal static WrkResult? Parse(string output)
    {
        var finished = Finished().Match(output);
        var requests = Requests().Match(output);
        var statuses = Statuses().Match(output);
        if (!finished.Success || !requests.Success || !statuses.Success)
        {
            return null;
        }
        long N(Match m, int group) => long.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
        var bytes = double.Parse(finished.Groups[2].Value, CultureInfo.InvariantCulture) * finished.Groups[3].Value switch
        {
            "GB" => 1 << 30,
            "MB" => 1 << 20,
            "KB" => 1 << 10,
            _ => 1,
        };
        return new WrkResult(double.Parse(finished.Groups[1].Value, CultureInfo.InvariantCulture), bytes, N(requests, 1),
            null, null, N(requests, 2) + N(requests, 3) + N(requests, 4), N(statuses, 1) + N(statuses, 2) + N(statuses, 3));
    }

    [GeneratedRegex(@"finished in [\d.]+\w+, ([\d.]+) req/s, ([\d.]+)(GB|MB|KB|B)/s")]
    private static partial Regex Finished();

    [GeneratedRegex(@"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout")]
    private static partial Regex Requests();

    [GeneratedRegex(@"status codes: \d+ 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx")]
    private static partial Regex Statuses();
}
