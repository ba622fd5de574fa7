using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// A Relay daemon running in a host namespace exactly as in production: capture rules applied by root
/// (`relay iptables apply`), daemon under the relay uid via setpriv with the ambient CAP_NET_ADMIN and
/// CAP_NET_RAW systemd/relay.service grants (so a reload can re-apply capture rules), and its state
/// directory (reload state, config history) in <see cref="StateDirectory"/>. `ip netns exec` and setpriv both
/// exec(2), so <see cref="Pid"/> is the relay process itself (the NativeAOT executable, <see cref="DaemonBinaries"/>) and SIGTERM reaches the daemon directly.
/// </summary>
internal sealed partial class RelayProcess : IAsyncDisposable
{
    /// <summary>Cold start of the daemon under load from parallel builds on a 2-core VM takes a few seconds.</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(20);

    private readonly ProcessOutput output = new();
    private readonly Process process;
    private bool rulesRemoved;

    private RelayProcess(NetnsHost host, RelayConfigFile config, RelayBinary binary, Process process)
    {
        Host = host;
        Config = config;
        Binary = binary;
        this.process = process;
    }

    public NetnsHost Host { get; }

    public RelayConfigFile Config { get; }

    public RelayBinary Binary { get; }

    /// <summary>--state-dir: state.json and history/, writable by the relay user.</summary>
    public string StateDirectory => System.IO.Path.Combine(Config.Directory, "state");

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    public IReadOnlyList<string> Lines => output.Lines;

    public IReadOnlyList<AccessLogEntry> AccessLines =>
        output.Lines.Where(AccessLogEntry.IsAccessLine).Select(AccessLogEntry.Parse).ToArray();

    public static async Task<RelayProcess> StartAsync(NetnsHost host, MeshYamlOptions options, Action<RelayProcess>? track = null)
    {
        var user = await RelayUser.EnsureAsync();
        var binary = await DaemonBinaries.BinaryAsync();
        var config = await RelayConfigFile.WriteAsync(host, options.Render(user.Name));
        var apply = await RunCliAsRootAsync(host, binary, "iptables", "apply", "--config", config.Path);
        if (!apply.Succeeded)
        {
            config.Dispose();
            apply.EnsureSuccess();
        }
        var stateDirectory = System.IO.Path.Combine(config.Directory, "state");
        Directory.CreateDirectory(stateDirectory);
        (await ProcessRunner.RunAsync("chown", $"{user.Uid}:{user.Gid}", stateDirectory)).EnsureSuccess();
        var relay = new RelayProcess(host, config, binary, Launch(host, user, binary, config.Path, stateDirectory));
        relay.output.Attach(relay.process);
        relay.process.BeginOutputReadLine();
        relay.process.BeginErrorReadLine();
        track?.Invoke(relay);
        await relay.WaitUntilReadyAsync();
        await relay.AssertRunsAsRelayUserAsync(user, binary);
        return relay;
    }

    /// <summary>Runs `relay &lt;args&gt;` as root inside the host namespace (iptables apply/remove, validate).</summary>
    public static Task<ProcessResult> RunCliAsRootAsync(NetnsHost host, RelayBinary binary, params string[] args) =>
        host.ExecAsync(binary.Argv(args), null);

    public Task<string?> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout) =>
        output.WaitForLineAsync(predicate, timeout);

    /// <summary>Waits until at least <paramref name="count"/> access lines exist; returns what is there.</summary>
    public async Task<IReadOnlyList<AccessLogEntry>> WaitForAccessLinesAsync(int count, TimeSpan timeout) =>
        (await output.WaitForCountAsync(AccessLogEntry.IsAccessLine, count, timeout)).Select(AccessLogEntry.Parse).ToArray();

    public void SendSigterm() => NativeMethods.kill(Pid, NativeMethods.SigTerm);

    /// <summary>Exit code, or null if the daemon is still running after the timeout.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>SIGTERM, wait for a clean exit, then remove the capture rules. Returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        SendSigterm();
        var exitCode = await WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(30));
        Assert.True(exitCode is not null, $"relay on {Host.Label} did not exit after SIGTERM:\n{output}");
        await RemoveRulesAsync();
        return exitCode.Value;
    }

    public async Task RemoveRulesAsync()
    {
        rulesRemoved = true;
        (await RunCliAsRootAsync(Host, Binary, "iptables", "remove", "--config", Config.Path)).EnsureSuccess();
    }

    public override string ToString() => $"relay@{Host.Label} pid={Pid}:\n{output}";

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        if (!rulesRemoved)
        {
            rulesRemoved = true;
            // Best effort: the namespace is deleted next anyway, taking its tables with it.
            await RunCliAsRootAsync(Host, Binary, "iptables", "remove", "--config", Config.Path);
        }
        process.Dispose();
        Config.Dispose();
    }

    private static Process Launch(NetnsHost host, RelayUser user, RelayBinary binary, string configPath, string stateDirectory)
    {
        var info = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "netns", "exec", host.Name, "setpriv", $"--reuid={user.Uid}", $"--regid={user.Gid}", "--clear-groups",
            // As AmbientCapabilities= in the unit: inheritable first, or the kernel refuses the ambient set.
            "--inh-caps=+net_admin,+net_raw", "--ambient-caps=+net_admin,+net_raw",
        }.Concat(binary.Argv("run", "--config", configPath, "--state-dir", stateDirectory)))
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["HOME"] = "/tmp";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        return Process.Start(info) ?? throw new InvalidOperationException("cannot start ip netns exec");
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ReadyTimeout)
        {
            if (process.HasExited)
            {
                Assert.Fail($"relay on {Host.Label} exited with {process.ExitCode} before ready:\n{output}");
            }
            if (output.Lines.Any(l => ReadyWord().IsMatch(l)) ||
                await AdminClient.GetStatusAsync(Host, "/ready", TimeSpan.FromMilliseconds(500)) == 200)
            {
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
        Assert.Fail($"relay on {Host.Label} not ready within {ReadyTimeout.TotalSeconds} s " +
            $"(no 'ready' line, admin /ready not 200):\n{output}");
    }

    /// <summary>Guards the pid we will SIGTERM: it must be the daemon itself (relay, or dotnet for the JIT build), running under the relay uid.</summary>
    private async Task AssertRunsAsRelayUserAsync(RelayUser user, RelayBinary binary)
    {
        var status = await File.ReadAllTextAsync($"/proc/{Pid}/status");
        var name = StatusField(status, "Name");
        var uids = StatusField(status, "Uid").Split('\t', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(name == binary.ProcessName && uids.All(u => u == user.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            $"relay pid {Pid} is '{name}' with uids [{string.Join(',', uids)}], expected {binary.ProcessName} as uid {user.Uid}");
    }

    private static string StatusField(string status, string key) =>
        status.Split('\n').First(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();

    /// <summary>"ready" as a word, not "/ready" (an admin route named in a start-up line) nor "not ready".</summary>
    [GeneratedRegex(@"(?<!not |[/\w-])ready(?![\w-])", RegexOptions.IgnoreCase)]
    private static partial Regex ReadyWord();
}
