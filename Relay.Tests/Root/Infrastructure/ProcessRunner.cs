using System.Diagnostics;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>Runs short helper commands (ip, iptables-save, useradd, relay iptables) with a hard timeout.</summary>
internal static class ProcessRunner
{
    /// <summary>Generous for ip/iptables; a dotnet start of `relay iptables` takes ~1 s on a busy 2-core VM.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task<ProcessResult> RunAsync(
        string fileName, IEnumerable<string> args, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        var command = string.Join(' ', info.ArgumentList.Prepend(fileName));
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {command}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        return new ProcessResult(command, process.ExitCode, await stdout, await stderr, timedOut);
    }

    public static Task<ProcessResult> RunAsync(string fileName, params string[] args) =>
        RunAsync(fileName, (IEnumerable<string>)args);
}
