using System.Net;
using System.Net.Sockets;
using Relay.Core.Vocabulary;
using Relay.Tests.Root.Infrastructure;

namespace Relay.Tests.Root;

/// <summary>
/// Destinations no service claims (here B:9000, with a real listener behind it and no Relay on B) follow
/// capture.outbound_policy on A.
/// </summary>
[Trait("Tier", "Root")]
[Collection(RootCollection.Name)]
public sealed class OutboundPolicyTests
{
    private const int UnknownPort = 9000;

    [Fact]
    public async Task RegistryOnly_UnknownDestination_ClosedWithoutDataAndLogged()
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync();
        await using var unknown = EchoServer.Start(mesh.B, UnknownPort);
        var options = MeshConfigs.Client(mesh.B.IPv4!) with { OutboundPolicy = MeshYamlOptions.RegistryOnly };
        var relayA = await mesh.StartRelayAsync(mesh.A, options);
        var target = new IPEndPoint(mesh.B.IPv4!, UnknownPort);

        var received = await TryEchoAsync(mesh.A, target, [1, 2, 3]);

        Assert.Empty(received);
        Assert.Empty(unknown.AcceptedFrom);
        var line = Assert.Single(await AccessLog.ExactlyAsync(relayA, 1));
        Assert.Equal(("outbound", target.ToString(), "registry_only_unknown_destination"),
            (line.Direction, line.Dst, line.Reason));
    }

    [Fact]
    public async Task Passthrough_UnknownDestination_ForwardedToOriginalDestination()
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync();
        await using var unknown = EchoServer.Start(mesh.B, UnknownPort);
        var relayA = await mesh.StartRelayAsync(mesh.A, MeshConfigs.Client(mesh.B.IPv4!));
        var target = new IPEndPoint(mesh.B.IPv4!, UnknownPort);
        var payload = TcpExchange.Payload(4096, seed: 9);

        var echoed = await TcpExchange.EchoAsync(mesh.A, target, payload);

        Assert.Equal(payload, echoed);
        Assert.Equal(mesh.A.IPv4, Assert.Single(unknown.AcceptedFrom).Address);
        var line = Assert.Single(await AccessLog.ExactlyAsync(relayA, 1));
        Assert.Equal(("outbound", target.ToString(), "-", target.ToString(), "completed"),
            (line.Direction, line.Dst, line.Service, line.Endpoint, line.Reason));
    }

    /// <summary>Connect, send, half-close, read: whatever arrives; refusal or reset count as "nothing".</summary>
    private static async Task<byte[]> TryEchoAsync(NetnsHost from, IPEndPoint to, byte[] payload)
    {
        try
        {
            using var socket = await from.ConnectAsync(to, TcpExchange.DefaultTimeout);
            await socket.SendAsync(payload);
            socket.Shutdown(SocketShutdown.Send);
            return (await TcpExchange.ReadOutcomeAsync(socket, payload.Length, TcpExchange.DefaultTimeout)).Data;
        }
        catch (SocketException)
        {
            return [];
        }
    }
}
