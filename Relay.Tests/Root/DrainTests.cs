using System.Net;
using System.Net.Sockets;
using Relay.Tests.Root.Infrastructure;

namespace Relay.Tests.Root;

/// <summary>SIGTERM stops accepting but lets live connections finish within limits.drain_timeout.</summary>
[Trait("Tier", "Root")]
[Collection(RootCollection.Name)]
public sealed class DrainTests
{
    private const long TransferBytes = 50L * 1024 * 1024;

    /// <summary>8 ms per 64 KiB chunk ≈ 8 MB/s: the 50 MB transfer lasts ≥ 6.4 s, long enough to signal mid-way.</summary>
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(8);

    /// <summary>SIGTERM once this much went through: well after the connection is established and copying.</summary>
    private const long SignalAfterBytes = 10L * 1024 * 1024;

    [Fact]
    public async Task Sigterm_DuringLiveTransfer_TransferCompletesIntactAndRelayExitsZero()
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync();
        await using var sink = HashSink.Start(mesh.B, MeshConfigs.ServicePort, maxConnections: 64);
        await mesh.StartRelayAsync(mesh.B, MeshConfigs.Server());
        // 30 s drain: the paced transfer needs ~7 s; the default 10 s would race on a loaded VM.
        var relayA = await mesh.StartRelayAsync(mesh.A, MeshConfigs.Client(mesh.B.IPv4!) with { DrainTimeout = "30s" });
        var target = new IPEndPoint(mesh.B.IPv4!, MeshConfigs.ServicePort);
        var midway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var transferTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var client = await mesh.A.ConnectAsync(target, TcpExchange.DefaultTimeout);

        var transfer = DataSource.SendToSinkAsync(client, TransferBytes, Pace,
            sent => { if (sent >= SignalAfterBytes) { midway.TrySetResult(); } }, transferTimeout.Token);
        await Task.WhenAny(midway.Task, transfer).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(transfer.IsCompleted, $"transfer ended before the midway mark: {transfer.Exception}\n{relayA}");
        relayA.SendSigterm();
        var refusedWhileDraining = await NewConnectionRefusedAsync(mesh.A, target, transfer);
        var result = await transfer;
        var exitCode = await relayA.WaitForExitAsync(TimeSpan.FromSeconds(40));

        Assert.True(result.Intact, $"sent {result.SentBytes} bytes, sink saw {result.ReceivedBytes}\n{relayA}");
        Assert.True(refusedWhileDraining, $"relay still accepted new connections after SIGTERM\n{relayA}");
        Assert.Equal(0, exitCode);
        // Probes accepted before the listener closed have their own lines; the transfer's is the big one.
        var line = Assert.Single(relayA.AccessLines, l => l.Up >= SignalAfterBytes);
        Assert.Equal(("completed", TransferBytes), (line.Reason, line.Up));
    }

    /// <summary>
    /// Polls until a fresh dial is refused (listener closed, rules fail closed) while the drained transfer is
    /// still running. Bounded by the transfer itself and 5 s.
    /// </summary>
    private static async Task<bool> NewConnectionRefusedAsync(NetnsHost from, IPEndPoint target, Task transfer)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline && !transfer.IsCompleted)
        {
            try
            {
                using var probe = await from.ConnectAsync(target, TimeSpan.FromSeconds(1));
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                return true;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
        return false;
    }
}
