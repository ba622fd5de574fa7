using System.Diagnostics;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// A real systemd booted as PID 1 of a systemd-nspawn container, to run systemd/relay.service exactly
/// as a host would. The root is a directory of a few files with the host's /usr bound read-only
/// (systemd, dotnet, iptables all live there), so nothing is downloaded and boot takes seconds.
/// Commands run inside through nsenter into the container's namespaces; no host systemd, D-Bus or
/// machined is needed (hence --register=no --keep-unit: this machine's PID 1 is not systemd).
/// </summary>
internal sealed class NspawnMachine : IAsyncDisposable
{
    /// <summary>Boot to multi-user took 3-8 s here on a loaded 2-core VM.</summary>
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _nspawn;

    private NspawnMachine(string root, Process nspawn, int initPid)
    {
        Root = root;
        _nspawn = nspawn;
        InitPid = initPid;
    }

    public string Root { get; }

    /// <summary>The container's systemd, as a host pid (nsenter's target).</summary>
    public int InitPid { get; }

    /// <summary>Builds the root: /usr from the host, /etc with root and relay users, the given files.</summary>
    public static async Task<NspawnMachine> BootAsync(IReadOnlyDictionary<string, string> files, string relayBinaries)
    {
        var root = $"/tmp/relay-nspawn-{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}";
        foreach (var dir in new[] { "usr", "etc/systemd/system", "opt/relay", "var/lib", "root", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(root, dir));
        }
        foreach (var (link, target) in new[] { ("bin", "usr/bin"), ("sbin", "usr/sbin"), ("lib", "usr/lib"), ("lib64", "usr/lib64") })
        {
            File.CreateSymbolicLink(Path.Combine(root, link), target);
        }
        File.Copy("/etc/os-release", Path.Combine(root, "etc/os-release"));
        File.WriteAllText(Path.Combine(root, "etc/machine-id"), "");
        File.WriteAllText(Path.Combine(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nrelay:x:999:999::/nonexistent:/usr/sbin/nologin\n");
        File.WriteAllText(Path.Combine(root, "etc/group"), "root:x:0:\nrelay:x:999:\n");
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(root, path.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
        (await ProcessRunner.RunAsync("cp", "-a", relayBinaries + "/.", Path.Combine(root, "opt/relay"))).EnsureSuccess();
        (await ProcessRunner.RunAsync("chmod", "-R", "u=rwX,go=rX", Path.Combine(root, "opt/relay"), Path.Combine(root, "etc"))).EnsureSuccess();

        var info = new ProcessStartInfo("systemd-nspawn") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        // /etc/alternatives: iptables and friends are alternatives symlinks on Debian.
        foreach (var arg in new[] { "-q", "-D", root, "--bind-ro=/usr", "--bind-ro=/etc/alternatives", "--boot", "--private-network",
                     "--register=no", "--keep-unit", "-M", Path.GetFileName(root) })
        {
            info.ArgumentList.Add(arg);
        }
        var nspawn = Process.Start(info) ?? throw new InvalidOperationException("cannot start systemd-nspawn");
        nspawn.OutputDataReceived += (_, _) => { };
        nspawn.ErrorDataReceived += (_, _) => { };
        nspawn.BeginOutputReadLine();
        nspawn.BeginErrorReadLine();
        var machine = new NspawnMachine(root, nspawn, await FindInitAsync(nspawn));
        await machine.WaitUntilBootedAsync();
        return machine;
    }

    /// <summary>Runs a command inside the container (all of its namespaces) and returns the result.</summary>
    public Task<ProcessResult> RunAsync(params string[] command) =>
        ProcessRunner.RunAsync("nsenter", new[] { "-t", InitPid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-a" }.Concat(command));

    public async Task<string> PropertyAsync(string unit, string property) =>
        (await RunAsync("systemctl", "show", unit, "-p", property, "--value")).EnsureSuccess().Stdout.Trim();

    private async Task WaitUntilBootedAsync()
    {
        var until = DateTime.UtcNow + BootTimeout;
        var last = "";
        while (DateTime.UtcNow < until)
        {
            // "degraded" is booted too: a unit this minimal root cannot run (e.g. a getty) failed.
            last = (await RunAsync("systemctl", "is-system-running")).Stdout.Trim();
            if (last is "running" or "degraded")
            {
                return;
            }
            await Task.Delay(250);
        }
        Assert.Fail($"container systemd not booted within {BootTimeout}: is-system-running = {last}");
    }

    /// <summary>The container's init is the descendant of systemd-nspawn whose command is systemd.</summary>
    private static async Task<int> FindInitAsync(Process nspawn)
    {
        var until = DateTime.UtcNow + BootTimeout;
        while (DateTime.UtcNow < until)
        {
            Assert.False(nspawn.HasExited, "systemd-nspawn exited before booting");
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), out var pid) && Comm(pid) == "systemd" && DescendsFrom(pid, nspawn.Id))
                {
                    return pid;
                }
            }
            await Task.Delay(100);
        }
        Assert.Fail("no systemd inside the container");
        return 0;
    }

    private static string? Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool DescendsFrom(int pid, int ancestor)
    {
        for (var current = pid; current > 1;)
        {
            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{current}/stat");
            }
            catch (IOException)
            {
                return false;
            }
            // Fields after the parenthesised command: state ppid ...
            var ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            if (ppid == ancestor)
            {
                return true;
            }
            current = ppid;
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_nspawn.HasExited)
        {
            // SIGTERM makes nspawn ask the container's systemd to power off; bounded, then SIGKILL to
            // the container's init, which takes every process of its pid namespace with it.
            NativeMethods.kill(_nspawn.Id, NativeMethods.SigTerm);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _nspawn.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                NativeMethods.kill(InitPid, NativeMethods.SigKill);
                _nspawn.Kill(entireProcessTree: true);
                await _nspawn.WaitForExitAsync();
            }
        }
        _nspawn.Dispose();
        // The host's /usr is bound under Root inside nspawn's own mount namespace only; never delete
        // recursively while anything is still mounted below Root in ours.
        if (!File.ReadLines("/proc/self/mountinfo").Any(l => l.Contains(" " + Root + "/", StringComparison.Ordinal) || l.Contains(" " + Root + " ", StringComparison.Ordinal)))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
