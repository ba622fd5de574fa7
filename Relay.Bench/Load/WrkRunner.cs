namespace Relay.Bench.Load;

/// <summary>Runs wrk once, bounded in time, and parses its report; failures say why.</summary>
internal static class WrkRunner
{
    // wrk stops itself after -d; this margin only catches a hung wrk (then it is killed).
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(15);

    /// <param name="connectionClose">Send <c>Connection: close</c>: one request per connection.</param>
    public static async Task<WrkResult> RunAsync(int port, string path, int connections, TimeSpan duration, bool connectionClose, CancellationToken cancellationToken)
    {
        // One wrk thread: on a 2-core machine the proxy and nginx need the other core (as in bench/peers/run.sh).
        List<string> args = ["-t1", $"-c{connections}", $"-d{Math.Max(1, (int)duration.TotalSeconds)}s", "--latency"];
        if (connectionClose)
        {
            args.AddRange(["-H", "Connection: close"]);
        }
        args.Add($"http://127.0.0.1:{port}{path}");
        var output = await BoundedProcess.RunAsync("wrk", args, duration + Margin, $"wrk against port {port}", cancellationToken);
        var text = output.Stdout + output.Stderr;
        return WrkParser.Parse(text) ?? throw new InvalidOperationException($"could not parse wrk output:\n{text}");
    }
}
