using System.Net.Sockets;
using System.Text;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Mtls;

[Trait("Tier", "Loopback")]
public sealed class MeshPairLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task MeshPair_CarriesBytes_AndEachSideLogsThePeerIdentity()
    {
        using var echo = new LoopbackEchoServer();
        await using var pair = await MeshPairLoopback.StartAsync(echo.EndPoint);
        using (var client = await pair.ConnectToAAsync())
        {
            await SocketIo.SendAllAsync(client, Encoding.ASCII.GetBytes("over mtls"));
            client.Shutdown(SocketShutdown.Send);
            Assert.Equal("over mtls", Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(client)));
        }
        var outbound = await pair.LogA.WaitForAccessLineAsync(l => l.Contains("direction=outbound"), Wait);
        var inbound = await pair.LogB.WaitForAccessLineAsync(l => l.Contains("direction=inbound"), Wait);
        Assert.Contains("reason=completed", outbound);
        Assert.Contains("tls=TLSv1.3", outbound);
        Assert.Contains("peer=spiffe://mesh.test/b", outbound);
        Assert.Contains("reason=completed", inbound);
        Assert.Contains("peer=spiffe://mesh.test/a", inbound);
    }

    [Fact]
    public async Task RepeatedConnections_ToTheSamePeer_ResumeTheTlsSession()
    {
        using var echo = new LoopbackEchoServer();
        using var tap = new ClientHelloTap();
        await using var pair = await MeshPairLoopback.StartAsync(echo.EndPoint, tap: tap);
        for (var i = 0; i < 4; i++)
        {
            using var client = await pair.ConnectToAAsync();
            await SocketIo.SendAllAsync(client, Encoding.ASCII.GetBytes("again"));
            client.Shutdown(SocketShutdown.Send);
            Assert.Equal("again", Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(client)));
        }
        var attempts = tap.ResumptionAttempts;
        Assert.Equal(4, attempts.Count);
        // The first connection has no session yet; every later one offers its ticket.
        Assert.Equal([false, true, true, true], attempts);
    }

    [Fact]
    public async Task WrongServerIdentity_IsRefusedByTheCaller()
    {
        using var echo = new LoopbackEchoServer();
        await using var pair = await MeshPairLoopback.StartAsync(echo.EndPoint, serverIdentityExpected: "spiffe://mesh.test/someone-else");
        using var client = await pair.ConnectToAAsync();
        await Assert.ThrowsAsync<SocketException>(() => SocketIo.ReadToEndAsync(client, Wait));
        await pair.LogA.WaitForAccessLineAsync(l => l.Contains("reason=tls_peer_identity_rejected"), Wait);
    }

    [Fact]
    public async Task CallerNotInAllowList_IsDeniedByPolicy()
    {
        using var echo = new LoopbackEchoServer();
        await using var pair = await MeshPairLoopback.StartAsync(echo.EndPoint, allowOnB: "[spiffe://mesh.test/c]");
        using var client = await pair.ConnectToAAsync();
        await Assert.ThrowsAsync<SocketException>(() => SocketIo.ReadToEndAsync(client, Wait));
        var line = await pair.LogB.WaitForAccessLineAsync(l => l.Contains("reason=policy_denied"), Wait);
        Assert.Contains("policy=deny", line);
    }

    [Fact]
    public async Task StrictPort_RefusesPlaintext_PermissivePassesIt()
    {
        using var echo = new LoopbackEchoServer();
        await using (var strict = await MeshPairLoopback.StartAsync(echo.EndPoint))
        {
            using var plain = await ConnectToInboundOfBAsync(strict);
            await SocketIo.SendAllAsync(plain, Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n\r\n"));
            await Assert.ThrowsAsync<SocketException>(() => SocketIo.ReadToEndAsync(plain, Wait));
            await strict.LogB.WaitForAccessLineAsync(l => l.Contains("reason=strict_mode_plaintext_refused"), Wait);
        }
        await using var permissive = await MeshPairLoopback.StartAsync(echo.EndPoint, mtlsOnB: "permissive");
        using var passed = await ConnectToInboundOfBAsync(permissive);
        await SocketIo.SendAllAsync(passed, Encoding.ASCII.GetBytes("plain bytes"));
        passed.Shutdown(SocketShutdown.Send);
        Assert.Equal("plain bytes", Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(passed)));
    }

    private static async Task<Socket> ConnectToInboundOfBAsync(MeshPairLoopback pair)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, pair.B.Current.Capture.InboundPort));
        return socket;
    }
}
