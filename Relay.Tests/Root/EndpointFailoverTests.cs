using System.Net;
using Relay.Tests.Root.Infrastructure;

namespace Relay.Tests.Root;

/// <summary>A service whose endpoint list contains a dead host must still serve every request.</summary>
[Trait("Tier", "Root")]
[Collection(RootCollection.Name)]
public sealed class EndpointFailoverTests
{
    [Fact]
    public async Task Service_OneOfTwoEndpointsDown_AllRequestsSucceed()
    {
        RootRequirement.Assert();
        // 20 requests: with round robin over two endpoints, ten would land on the dead one without failover.
        const int Requests = 20;
        await using var mesh = await MeshTopology.CreateAsync(withHostC: true);
        await using var echo = EchoServer.Start(mesh.B, MeshConfigs.ServicePort);
        await mesh.StartRelayAsync(mesh.B, MeshConfigs.Server());
        // C exists on the bridge but nothing listens on C:8080, so dials there are refused at once.
        var relayA = await mesh.StartRelayAsync(mesh.A, MeshConfigs.Client(mesh.B.IPv4!, mesh.C.IPv4!));
        var healthy = AccessLog.Format(mesh.B.IPv4!, MeshConfigs.ServicePort);

        var failures = new List<string>();
        for (var i = 0; i < Requests; i++)
        {
            var payload = TcpExchange.Payload(512, seed: i);
            try
            {
                var echoed = await TcpExchange.EchoAsync(mesh.A, new IPEndPoint(mesh.B.IPv4!, 8080), payload);
                if (!echoed.AsSpan().SequenceEqual(payload))
                {
                    failures.Add($"request {i}: echoed {echoed.Length} bytes");
                }
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException)
            {
                failures.Add($"request {i}: {ex.Message}");
            }
        }

        Assert.True(failures.Count == 0, $"{string.Join('\n', failures)}\n{relayA}");
        var lines = await AccessLog.ExactlyAsync(relayA, Requests);
        Assert.All(lines, l => Assert.Equal(("completed", healthy), (l.Reason, l.Endpoint)));
        Assert.Equal(Requests, echo.AcceptedFrom.Count);
    }
}
