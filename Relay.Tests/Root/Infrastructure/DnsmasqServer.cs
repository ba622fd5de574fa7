using System.Diagnostics;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// A real DNS server for the discovery tests: dnsmasq in a host namespace on 127.0.0.1:5353,
/// answering only from a hosts file the test rewrites (<see cref="SetHostsAsync"/>: write, then
/// SIGHUP, which makes dnsmasq re-read --addn-hosts; the "read ... names" line confirms it).
/// --local makes the test domain authoritative, so a name without AAAA gets NODATA, not REFUSED;
/// --local-ttl is the TTL of every answer. dnsmasq drops root for its own user (nobody) after
/// binding, as the Relay runs under relay: the hosts file and its directory are world-readable.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class DnsmasqServer : IAsyncDisposable
{
    public const int Port = 5353;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly ProcessOutput _output = new();
    private readonly Process _process;
    private readonly string _directory;
    private int _reads;

    private DnsmasqServer(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    public string HostsFile => Path.Combine(_directory, "hosts");

    public IReadOnlyList<string> Lines => _output.Lines;

    public bool HasExited => _process.HasExited;

    public static async Task<DnsmasqServer> StartAsync(NetnsHost host, string domain, int ttlSeconds, string hosts)
    {
        var directory = Directory.CreateTempSubdirectory("relay-dnsmasq-").FullName;
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        await WriteHostsAsync(Path.Combine(directory, "hosts"), hosts);
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "netns", "exec", host.Name, "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
            $"--addn-hosts={Path.Combine(directory, "hosts")}", $"--local=/{domain}/", "--listen-address=127.0.0.1", "--bind-interfaces",
            $"--port={Port}", $"--local-ttl={ttlSeconds}", "--pid-file=", "--log-facility=-",
        })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start dnsmasq");
        var server = new DnsmasqServer(process, directory);
        server._output.Attach(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitForReadAsync();
        return server;
    }

    /// <summary>Replaces the hosts file and makes dnsmasq re-read it; returns once it has.</summary>
    public async Task SetHostsAsync(string hosts)
    {
        await WriteHostsAsync(HostsFile, hosts);
        Assert.Equal(0, NativeMethods.kill(_process.Id, NativeMethods.SigHup));
        await WaitForReadAsync();
    }

    private async Task WaitForReadAsync()
    {
        var expected = ++_reads;
        var seen = await _output.WaitForLineAsync(_ => _output.Lines.Count(l => l.Contains($"read {HostsFile}", StringComparison.Ordinal)) >= expected, StartTimeout, () => _process.HasExited);
        Assert.True(seen is not null, $"dnsmasq did not read {HostsFile} ({expected}):\n{string.Join("\n", _output.Lines)}");
    }

    // Written to a temp file and renamed: dnsmasq never reads a half-written file.
    private static async Task WriteHostsAsync(string path, string hosts)
    {
        var temp = path + ".new";
        await File.WriteAllTextAsync(temp, hosts);
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Stops answering: the resolver's queries now fail (ICMP port unreachable on loopback).</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
