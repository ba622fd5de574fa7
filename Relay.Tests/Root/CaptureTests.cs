using System.Net;
using System.Net.Sockets;
using Relay.Core.Vocabulary;
using Relay.Tests.Root.Infrastructure;

namespace Relay.Tests.Root;

/// <summary>
/// End-to-end capture between two hosts: the app in A dials B's address as if no proxy existed; A's rules
/// send it to A's Relay (outbound), which dials B, whose rules send it to B's Relay (inbound), which
/// forwards to B's app on 127.0.0.1:8080.
/// </summary>
[Trait("Tier", "Root")]
[Collection(RootCollection.Name)]
public sealed class CaptureTests
{
    [Theory]
    [InlineData(AddressFamily.InterNetwork)]
    [InlineData(AddressFamily.InterNetworkV6)]
    public async Task Capture_AppInADialsB_EchoFlowsThroughBothRelaysAndEachLogsOnce(AddressFamily family)
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync();
        await using var echo = EchoServer.Start(mesh.B, MeshConfigs.ServicePort);
        var relayB = await mesh.StartRelayAsync(mesh.B, MeshConfigs.Server());
        var relayA = await mesh.StartRelayAsync(mesh.A, MeshConfigs.Client(mesh.B.Address(family)));
        var payload = TcpExchange.Payload(64 * 1024, seed: 3);
        var dialled = AccessLog.Format(mesh.B.Address(family), MeshConfigs.ServicePort);

        var echoed = await TcpExchange.EchoAsync(mesh.A, IPEndPoint.Parse(dialled), payload);

        Assert.Equal(payload, echoed);
        var outbound = Assert.Single(await AccessLog.ExactlyAsync(relayA, 1));
        Assert.Equal(("outbound", dialled, "echo", dialled, "completed"),
            (outbound.Direction, outbound.Dst, outbound.Service, outbound.Endpoint, outbound.Reason));
        Assert.Equal((payload.Length, payload.Length), (outbound.Up, outbound.Down));
        var inbound = Assert.Single(await AccessLog.ExactlyAsync(relayB, 1));
        Assert.Equal(("inbound", dialled, "completed"), (inbound.Direction, inbound.Dst, inbound.Reason));
        Assert.Equal(mesh.A.Address(family), AccessLog.HostOf(inbound.Client));
        Assert.Equal(payload.Length, inbound.Up);
        // B's app sees its own Relay on loopback, not A: the connection really went through B's Relay.
        Assert.Equal(IPAddress.Loopback, Assert.Single(echo.AcceptedFrom).Address);
    }

    [Fact]
    public async Task Capture_RelaysOwnUpstreamConnections_AreNotCapturedAgain()
    {
        RootRequirement.Assert();
        const int Requests = 5;
        await using var mesh = await MeshTopology.CreateAsync();
        await using var echo = EchoServer.Start(mesh.B, MeshConfigs.ServicePort);
        var relayB = await mesh.StartRelayAsync(mesh.B, MeshConfigs.Server());
        var relayA = await mesh.StartRelayAsync(mesh.A, MeshConfigs.Client(mesh.B.IPv4!));

        for (var i = 0; i < Requests; i++)
        {
            var payload = TcpExchange.Payload(1000 + i, seed: i);
            Assert.Equal(payload, await TcpExchange.EchoAsync(mesh.A, new IPEndPoint(mesh.B.IPv4!, 8080), payload));
        }

        // A re-captured upstream dial would show up as a second outbound line (or loop_detected) in A; a
        // re-captured forward to 127.0.0.1 would show up as an outbound line in B.
        Assert.All(await AccessLog.ExactlyAsync(relayA, Requests), l => Assert.Equal("outbound", l.Direction));
        Assert.All(await AccessLog.ExactlyAsync(relayB, Requests), l => Assert.Equal("inbound", l.Direction));
        Assert.Equal(Requests, echo.AcceptedFrom.Count);
    }

    [Fact]
    public async Task Capture_ExcludedInboundPort22_ReachesListenerWithRealSourceAndNoAccessLine()
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync();
        await using var ssh = EchoServer.Start(mesh.B, 22);
        await using var app = EchoServer.Start(mesh.B, MeshConfigs.ServicePort);
        var relayB = await mesh.StartRelayAsync(mesh.B, MeshConfigs.Server());

        using var client = await mesh.A.ConnectAsync(new IPEndPoint(mesh.B.IPv4!, 22), TcpExchange.DefaultTimeout);
        var clientEndpoint = (IPEndPoint)client.LocalEndPoint!;
        await client.SendAsync(new byte[] { 22 });
        client.Shutdown(SocketShutdown.Send);
        var reply = await TcpExchange.ReadOutcomeAsync(client, 16, TcpExchange.DefaultTimeout);
        // Control: the declared port 8080 on the same host IS captured, so the rules were live.
        await TcpExchange.EchoAsync(mesh.A, new IPEndPoint(mesh.B.IPv4!, 8080), [80]);

        Assert.Equal([22], reply.Data);
        Assert.Equal(clientEndpoint, Assert.Single(ssh.AcceptedFrom));
        var only = Assert.Single(await AccessLog.ExactlyAsync(relayB, 1));
        Assert.Equal(AccessLog.Format(mesh.B.IPv4!, 8080), only.Dst);
    }

    [Fact]
    public async Task IptablesRemove_AfterStop_LeavesNoRelayRuleInEitherFamily()
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync();
        var relayA = await mesh.StartRelayAsync(mesh.A, MeshConfigs.Client(mesh.B.IPv4!) with { InboundPorts = [8080] });
        var appliedV4 = (await mesh.A.ExecAsync("iptables-save")).EnsureSuccess().Stdout;
        var appliedV6 = (await mesh.A.ExecAsync("ip6tables-save")).EnsureSuccess().Stdout;

        var exitCode = await relayA.StopAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains("RELAY", appliedV4, StringComparison.Ordinal);
        Assert.Contains("RELAY", appliedV6, StringComparison.Ordinal);
        var afterV4 = (await mesh.A.ExecAsync("iptables-save")).EnsureSuccess().Stdout;
        var afterV6 = (await mesh.A.ExecAsync("ip6tables-save")).EnsureSuccess().Stdout;
        Assert.DoesNotContain("RELAY", afterV4, StringComparison.Ordinal);
        Assert.DoesNotContain("RELAY", afterV6, StringComparison.Ordinal);
    }
}
