using System.Diagnostics;
using Relay.Tests.Root.Infrastructure;

namespace Relay.Tests.Lifecycle;

/// <summary>
/// The real `relay run` executable as a child process on loopback, the way a user runs it without
/// capture: <c>--capture-rules off</c>, explicit listeners and ports from the test's mesh.yaml,
/// its own state directory. Signals are real (kill(2)), output is collected line by line.
/// </summary>
internal sealed class LoopbackDaemon : IAsyncDisposable
{
    /// <summary>Cold start of the daemon on a loaded 2-core VM takes a few seconds.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private const int SigHup = 1;

    private readonly ProcessOutput _output = new();
    private readonly Process _process;

    private LoopbackDaemon(Process process, string configPath, string stateDirectory)
    {
        _process = process;
        ConfigPath = configPath;
        StateDirectory = stateDirectory;
    }

    public string ConfigPath { get; }

    public string StateDirectory { get; }

    public IReadOnlyList<string> Lines => _output.Lines;

    public static async Task<LoopbackDaemon> StartAsync(string configPath)
    {
        var dll = await DaemonBinaries.RelayDllAsync();
        var state = Path.Combine(Path.GetDirectoryName(configPath)!, "state");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "run", "--config", configPath, "--state-dir", state, "--capture-rules", "off" })
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment.Remove("NOTIFY_SOCKET");
        var daemon = new LoopbackDaemon(Process.Start(info) ?? throw new InvalidOperationException("cannot start dotnet"), configPath, state);
        daemon._output.Attach(daemon._process);
        daemon._process.BeginOutputReadLine();
        daemon._process.BeginErrorReadLine();
        var ready = await daemon._output.WaitForLineAsync(l => l.Contains("ready: revision", StringComparison.Ordinal), Wait, () => daemon._process.HasExited);
        Assert.True(ready is not null, $"relay not ready within {Wait}:\n{daemon._output}");
        return daemon;
    }

    /// <summary>Sends SIGHUP and waits for the reload line that names <paramref name="revision"/> (applied or not).</summary>
    public async Task<string> ReloadAsync(string revision)
    {
        Assert.Equal(0, NativeMethods.kill(_process.Id, SigHup));
        var line = await _output.WaitForLineAsync(l => l.Contains("reload (", StringComparison.Ordinal) && l.Contains(revision, StringComparison.Ordinal), Wait);
        Assert.True(line is not null, $"no reload line for {revision}:\n{_output}");
        return line!;
    }

    public Task<string?> WaitForLineAsync(Func<string, bool> predicate) => _output.WaitForLineAsync(predicate, Wait);

    public override string ToString() => _output.ToString();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            NativeMethods.kill(_process.Id, NativeMethods.SigTerm);
            using var cts = new CancellationTokenSource(Wait);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
    }
}
