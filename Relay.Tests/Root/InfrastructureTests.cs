using System.Net;
using System.Net.Sockets;
using Relay.Tests.Root.Infrastructure;

namespace Relay.Tests.Root;

/// <summary>Self-tests of the Root-tier harness itself, without any Relay: if these fail, nothing else can pass.</summary>
[Trait("Tier", "Root")]
[Collection(RootCollection.Name)]
public sealed class InfrastructureTests
{
    [Theory]
    [InlineData(AddressFamily.InterNetwork)]
    [InlineData(AddressFamily.InterNetworkV6)]
    public async Task NamespaceSockets_ClientInA_ReachesListenerInBOverVeth(AddressFamily family)
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync();
        await using var echo = EchoServer.Start(mesh.B, 8080);
        var payload = TcpExchange.Payload(100_000, seed: 7);

        var echoed = await TcpExchange.EchoAsync(mesh.A, new IPEndPoint(mesh.B.Address(family), 8080), payload);

        Assert.Equal(payload, echoed);
        var from = Assert.Single(echo.AcceptedFrom);
        Assert.Equal(mesh.A.Address(family), from.Address);
    }

    [Fact]
    public async Task NamespaceSockets_ListenerInA_IsNotReachableFromRootNamespace()
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync();
        // Port 1 is privileged and unused on the VM itself, so "refused" can only mean "not here".
        await using var echo = EchoServer.Start(mesh.A, 1);
        using var rootSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        var error = await Assert.ThrowsAsync<SocketException>(
            async () => await rootSocket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, 1)));

        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        var reached = await TcpExchange.EchoAsync(mesh.A, new IPEndPoint(IPAddress.Loopback, 1), [42]);
        Assert.Equal([42], reached);
    }

    [Fact]
    public async Task Topology_ThreeHosts_AllReachEachOtherAndTeardownLeavesNoNamespace()
    {
        RootRequirement.Assert();
        var mesh = await MeshTopology.CreateAsync(withHostC: true);
        try
        {
            await using var echoA = EchoServer.Start(mesh.A, 7000);
            await using var echoC = EchoServer.Start(mesh.C, 7000);

            var cToA = await TcpExchange.EchoAsync(mesh.C, new IPEndPoint(mesh.A.IPv4!, 7000), [1, 2, 3]);
            var aToC = await TcpExchange.EchoAsync(mesh.A, new IPEndPoint(mesh.C.IPv6!, 7000), [4, 5]);
            var bToC = await TcpExchange.EchoAsync(mesh.B, new IPEndPoint(mesh.C.IPv4!, 7000), [6]);

            Assert.Equal([1, 2, 3], cToA);
            Assert.Equal([4, 5], aToC);
            Assert.Equal([6], bToC);
            Assert.Equal([mesh.A.IPv6, mesh.B.IPv4], echoC.AcceptedFrom.Select(e => e.Address));
        }
        finally
        {
            await mesh.DisposeAsync();
        }

        var remaining = await ProcessRunner.RunAsync("ip", "netns", "list");
        Assert.DoesNotContain(mesh.Id, remaining.Stdout, StringComparison.Ordinal);
    }
}
