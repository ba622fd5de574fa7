using System.Diagnostics;
using System.Text;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// tcpdump on one interface of a host namespace, full snap length, writing pcap to stdout (no file, so no
/// AppArmor write profile or privilege drop is involved) into memory. Searching the raw pcap bytes for a
/// marker is exact for markers shorter than one TCP segment: a payload crosses the link verbatim or not at all.
/// </summary>
internal sealed class PacketCapture : IAsyncDisposable
{
    /// <summary>tcpdump opens the interface in well under a second; 10 s covers a loaded 2-core VM.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Bound on captured bytes: a test's link traffic is a few MB at most.</summary>
    private const long MaxBytes = 256L * 1024 * 1024;

    private readonly Process process;
    private readonly MemoryStream pcap = new();
    private readonly ProcessOutput stderr = new();
    private readonly Task copy;

    private PacketCapture(Process process)
    {
        this.process = process;
        copy = CopyBoundedAsync(process.StandardOutput.BaseStream);
    }

    /// <summary>Starts tcpdump and returns once it reports it is listening (packets before that are not seen).</summary>
    public static async Task<PacketCapture> StartAsync(NetnsHost host, string device = "eth0", string filter = "tcp")
    {
        var info = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // --immediate-mode: deliver each packet at once (buffered ones are lost on SIGTERM); -U: write each
        // packet out at once; -s 0: whole packets; -n: no DNS; -Z root: no privilege drop mid-capture.
        string[] tcpdump = ["tcpdump", "-i", device, "--immediate-mode", "-U", "-n", "-s", "0", "-Z", "root", "-w", "-", filter];
        foreach (var arg in new[] { "netns", "exec", host.Name }.Concat(tcpdump))
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start tcpdump");
        var capture = new PacketCapture(process);
        // Only stderr is read line by line; stdout is the binary pcap stream, so OutputDataReceived never fires.
        capture.stderr.Attach(process);
        process.BeginErrorReadLine();
        var listening = await capture.stderr.WaitForLineAsync(
            l => l.Contains("listening on", StringComparison.Ordinal), StartTimeout, () => process.HasExited);
        if (listening is null)
        {
            await capture.DisposeAsync();
            Assert.Fail($"tcpdump on {host.Label}/{device} did not start:\n{capture.stderr}");
        }
        return capture;
    }

    /// <summary>Grace period before stopping: lets the last packets (FIN/ACK) reach tcpdump.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(300);

    /// <summary>Stops tcpdump (SIGTERM flushes and exits) and returns the pcap bytes.</summary>
    public async Task<CapturedTraffic> StopAsync()
    {
        await Task.Delay(SettleTime);
        if (!process.HasExited)
        {
            NativeMethods.kill(process.Id, NativeMethods.SigTerm);
        }
        using var cts = new CancellationTokenSource(StartTimeout);
        await process.WaitForExitAsync(cts.Token);
        await copy;
        return new CapturedTraffic(pcap.ToArray(), stderr.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        await copy;
        process.Dispose();
    }

    private async Task CopyBoundedAsync(Stream source)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await source.ReadAsync(buffer)) > 0)
        {
            if (pcap.Length + read <= MaxBytes)
            {
                pcap.Write(buffer, 0, read);
            }
        }
    }
}

/// <summary>What a <see cref="PacketCapture"/> saw: the pcap stream and tcpdump's own summary lines.</summary>
internal sealed record CapturedTraffic(byte[] Pcap, string Summary)
{
    public bool Contains(string marker) => Contains(Encoding.ASCII.GetBytes(marker));

    public bool Contains(ReadOnlySpan<byte> marker) => Pcap.AsSpan().IndexOf(marker) >= 0;

    public override string ToString() => $"{Pcap.Length} pcap bytes; tcpdump: {Summary}";
}
