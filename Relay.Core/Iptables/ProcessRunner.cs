using System.ComponentModel;
using System.Diagnostics;

namespace Relay.Core.Iptables;

/// <summary>What one external command did. <see cref="Started"/> false means it could not be run at all.</summary>
internal sealed record CommandResult(bool Started, int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => Started && ExitCode == 0;

    public static CommandResult NotStarted(string reason) => new(false, -1, "", reason);
}

/// <summary>Runs a short-lived command with optional stdin, bounded by a timeout; never throws for a missing binary.</summary>
internal static class ProcessRunner
{
    public static CommandResult Run(string file, IReadOnlyList<string> args, string? stdin, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(info)!;
            return Complete(process, stdin, timeout, file);
        }
        catch (Win32Exception e)
        {
            return CommandResult.NotStarted($"cannot run {file}: {e.Message}");
        }
    }

    private static CommandResult Complete(Process process, string? stdin, TimeSpan timeout, string file)
    {
        // Read both pipes concurrently: a child blocked on a full stderr pipe would never exit.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            if (stdin is not null)
            {
                process.StandardInput.Write(stdin);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child exited before reading all input; its exit code and stderr say why.
        }

        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new CommandResult(true, -1, stdout.Result, $"{file} timed out after {timeout.TotalSeconds:0} s");
        }

        process.WaitForExit();
        return new CommandResult(true, process.ExitCode, stdout.Result, stderr.Result);
    }
}
