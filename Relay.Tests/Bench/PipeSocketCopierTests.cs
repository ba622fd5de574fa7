using System.Net.Sockets;
using Pipelines.Sockets.Unofficial;
using Relay.Bench.Micro;
using Relay.Bench.Micro.Packages;

namespace Relay.Tests.Bench;

/// <summary>The SocketConnection copier of issue 16's A/B does a copier's job: bytes both ways, and FIN passed on.</summary>
[Trait("Tier", "Loopback")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PipeSocketCopierTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Copy_MovesBytesBothWays_AndPassesFinOn()
    {
        using var cts = new CancellationTokenSource(Deadline);
        using var sockets = new LoopbackSockets();
        var (app, front) = await sockets.ConnectAsync(cts.Token);
        var (back, server) = await sockets.ConnectAsync(cts.Token);
        using var frontPipe = SocketConnection.Create(front);
        using var backPipe = SocketConnection.Create(back);
        var copy = PipeSocketCopier.CopyAsync(frontPipe, backPipe);

        var request = new byte[100_000];
        Random.Shared.NextBytes(request);
        await app.SendAsync(request, SocketFlags.None, cts.Token);
        app.Shutdown(SocketShutdown.Send);
        var atServer = await ReadToEndAsync(server, cts.Token);
        Assert.Equal(request, atServer);

        await server.SendAsync("reply"u8.ToArray(), SocketFlags.None, cts.Token);
        server.Shutdown(SocketShutdown.Send);
        Assert.Equal("reply"u8.ToArray(), await ReadToEndAsync(app, cts.Token));
        await copy.WaitAsync(cts.Token);
        app.Dispose();
        server.Dispose();
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        var all = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            all.Write(buffer, 0, n);
        }
        return all.ToArray();
    }
}
