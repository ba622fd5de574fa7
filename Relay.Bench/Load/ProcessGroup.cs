using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Relay.Bench.Load;

/// <summary>
/// Every process the runner starts. Each is killed (with its children: nginx's workers) when the
/// group is disposed, and also on Ctrl-C, SIGTERM or any exit of the runner, so a failed or
/// interrupted run never leaves a proxy holding the benchmark ports.
/// </summary>
internal sealed class ProcessGroup : IDisposable
{
    // Long enough for a killed process to be reaped; a stuck one is reported, not waited on forever.
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(5);

    private readonly List<Process> _processes = [];
    private readonly PosixSignalRegistration _term;
    private readonly PosixSignalRegistration _interrupt;
    private readonly Lock _gate = new();

    public ProcessGroup()
    {
        AppDomain.CurrentDomain.ProcessExit += OnExit;
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => KillAll());
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => KillAll());
    }

    /// <summary>
    /// Starts <paramref name="argv"/> with stdout and stderr appended to <paramref name="logPath"/>,
    /// and <paramref name="environment"/> added to the runner's own.
    /// </summary>
    public Process Start(string[] argv, string logPath, IReadOnlyList<KeyValuePair<string, string>>? environment = null)
    {
        // exec keeps the PID the shell got, so /proc/PID is the program itself.
        var command = $"exec {string.Join(' ', argv.Select(Quote))} >>{Quote(logPath)} 2>&1";
        var info = new ProcessStartInfo("/bin/sh", ["-c", command]) { UseShellExecute = false };
        foreach (var (key, value) in environment ?? [])
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {argv[0]}");
        lock (_gate)
        {
            _processes.Add(process);
        }
        return process;
    }

    /// <summary>Kills the given processes now (a target is done), leaving the rest running.</summary>
    public void Stop(IEnumerable<Process> processes)
    {
        foreach (var process in processes.ToList())
        {
            Kill(process);
            lock (_gate)
            {
                _processes.Remove(process);
            }
        }
    }

    public void KillAll()
    {
        List<Process> all;
        lock (_gate)
        {
            all = [.. _processes];
            _processes.Clear();
        }
        foreach (var process in all)
        {
            Kill(process);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(ExitWait);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
        process.Dispose();
    }

    private void OnExit(object? sender, EventArgs e) => KillAll();

    private static string Quote(string arg) => $"'{arg.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    public void Dispose()
    {
        KillAll();
        AppDomain.CurrentDomain.ProcessExit -= OnExit;
        _term.Dispose();
        _interrupt.Dispose();
    }
}
