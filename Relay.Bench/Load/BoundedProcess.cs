using System.Diagnostics;

namespace Relay.Bench.Load;

/// <summary>What a finished helper program left: its exit code and both output streams.</summary>
internal sealed record ProcessOutput(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs a helper program (wrk, perf, certs.sh) to completion within a time limit: a hung one is
/// killed with its children and reported as a <see cref="TimeoutException"/> naming it.
/// </summary>
internal static class BoundedProcess
{
    public static async Task<ProcessOutput> RunAsync(string file, IEnumerable<string> args, TimeSpan limit, string what, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {what}");
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(limit);
        var stdout = process.StandardOutput.ReadToEndAsync(bounded.Token);
        var stderr = process.StandardError.ReadToEndAsync(bounded.Token);
        try
        {
            await process.WaitForExitAsync(bounded.Token);
            return new ProcessOutput(process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what} did not finish within {limit}");
        }
    }
}
