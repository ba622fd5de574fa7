using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Relay.Tests.Root.Infrastructure;

namespace Relay.Tests.Daemon;

/// <summary>
/// The real `relay run` as a child process on loopback (explicit listeners, capture rules off), with
/// $NOTIFY_SOCKET pointing at a unix datagram socket this object binds, as systemd's would be.
/// </summary>
internal sealed class DaemonProcess : IAsyncDisposable
{
    /// <summary>Cold start of the JIT build on a loaded 2-core VM took up to ~6 s; 30 s leaves room.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly Socket _notify;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly List<string> _datagrams = [];

    private DaemonProcess(Process process, Socket notify)
    {
        _process = process;
        _notify = notify;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _stdout.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _stdout.Enqueue("stderr: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public IReadOnlyList<string> StdoutLines => [.. _stdout.Where(l => !l.StartsWith("stderr: ", StringComparison.Ordinal))];

    public IReadOnlyList<string> Datagrams => _datagrams;

    public static DaemonProcess Start(string dir, string configPath, params string[] extraArgs) => StartUnder([], dir, configPath, extraArgs);

    /// <summary>As <see cref="Start"/>, with RLIMIT_NOFILE (soft and hard) set to <paramref name="nofile"/> by util-linux prlimit.</summary>
    public static DaemonProcess StartWithFileLimit(int nofile, string dir, string configPath, params string[] extraArgs) =>
        StartUnder(["prlimit", $"--nofile={nofile}:{nofile}", "--"], dir, configPath, extraArgs);

    private static DaemonProcess StartUnder(string[] wrapper, string dir, string configPath, string[] extraArgs)
    {
        var notifyPath = Path.Combine(dir, "notify.sock");
        var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(notifyPath));
        // The NativeAOT executable when test.sh published one (RELAY_BIN), else the JIT relay.dll
        // next to the tests: the same datagrams and lines either way.
        var native = Environment.GetEnvironmentVariable(DaemonBinaries.RelayBinVariable);
        string[] program = string.IsNullOrEmpty(native) ? ["dotnet", Path.Combine(AppContext.BaseDirectory, "relay.dll")] : [native];
        string[] argv = [.. wrapper, .. program, "run", "--config", configPath, "--capture-rules", "off", "--state-dir", Path.Combine(dir, "state"), .. extraArgs];
        var info = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in argv.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["NOTIFY_SOCKET"] = notifyPath;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {info.FileName}");
        return new DaemonProcess(process, notify);
    }

    /// <summary>Receives datagrams until one satisfies <paramref name="predicate"/>; fails with all seen so far.</summary>
    public async Task<string> WaitForDatagramAsync(Func<string, bool> predicate)
    {
        using var timeout = new CancellationTokenSource(Wait);
        var buffer = new byte[4096];
        while (true)
        {
            int received;
            try
            {
                received = await _notify.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no matching sd_notify datagram within {Wait}; got [{string.Join(" | ", _datagrams)}]\n{ProcessState()}\n{Output()}");
                throw;
            }
            var message = Encoding.UTF8.GetString(buffer, 0, received);
            _datagrams.Add(message);
            if (predicate(message))
            {
                return message;
            }
        }
    }

    public async Task<string> WaitForStdoutAsync(Func<string, bool> predicate)
    {
        var until = DateTime.UtcNow + Wait;
        while (true)
        {
            if (_stdout.FirstOrDefault(predicate) is { } line)
            {
                return line;
            }
            Assert.True(DateTime.UtcNow < until, $"no matching output line within {Wait}\n{Output()}");
            await Task.Delay(50);
        }
    }

    public void Signal(int signal) => Assert.Equal(0, NativeMethods.kill(_process.Id, signal));

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(Wait);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public string Output() => string.Join("\n", _stdout);

    /// <summary>
    /// For a timeout: whether the daemon is still there and, if so, where each of its threads waits
    /// (state, kernel wait channel, syscall number), since a NativeAOT process has no managed dump.
    /// </summary>
    private string ProcessState()
    {
        if (_process.HasExited)
        {
            return $"daemon exited with {_process.ExitCode}";
        }
        var lines = new List<string> { $"daemon {_process.Id} still running; threads:" };
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{_process.Id}/task"))
            {
                string Read(string name) => File.Exists(Path.Combine(task, name)) ? File.ReadAllText(Path.Combine(task, name)).Trim() : "?";
                var state = Read("status").Split('\n').FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal)) ?? "?";
                lines.Add($"  {Path.GetFileName(task)} {Read("comm")} {state} wchan={Read("wchan")} syscall={Read("syscall").Split(' ')[0]}");
            }
        }
        catch (IOException ex)
        {
            lines.Add($"  (cannot read /proc: {ex.Message})");
        }
        return string.Join("\n", lines);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _notify.Dispose();
    }
}
