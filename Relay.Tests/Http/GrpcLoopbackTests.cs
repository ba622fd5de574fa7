using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Relay.Tests.Http.Grpc;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Http;

/// <summary>
/// gRPC through the L7 path: Grpc.Net.Client (h2c) → Relay (a <c>protocol: grpc</c> service,
/// <c>mesh_tls: false</c>) → Grpc.AspNetCore. Status and custom trailers must arrive intact.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class GrpcLoopbackTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private WebApplication _upstream = null!;
    private LoopbackRelay _relay = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        (_upstream, var port) = await GrpcUpstream.StartAsync();

        var listen = FreePorts.Next();
        _relay = await LoopbackRelay.StartAsync(
            $"services:\n  echo: {{ port: 80, endpoints: [\"127.0.0.1:{port}\"], mesh_tls: false, protocol: grpc }}\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: echo }}\n", destination: null);
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{listen}");
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _relay.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Unary_ReturnsTheReply_AndOkStatus()
    {
        await GrpcEchoChecks.UnaryAsync(new Echo.EchoClient(_channel), Wait);

        Assert.Contains("protocol=HTTP/2 status=200", await _relay.Log.WaitForLineAsync(l => l.StartsWith("request ", StringComparison.Ordinal), Wait));
    }

    [Fact]
    public async Task ServerStreaming_DeliversEveryMessage_AndTheTrailers()
    {
        await GrpcEchoChecks.ServerStreamingAsync(new Echo.EchoClient(_channel), 50, Wait);
    }

    [Fact]
    public async Task BidirectionalStreaming_InterleavesBothWays()
    {
        await GrpcEchoChecks.BidirectionalAsync(new Echo.EchoClient(_channel), 10, Wait);
    }

    [Fact]
    public async Task ErrorStatus_TravelsInTheTrailers()
    {
        await GrpcEchoChecks.ErrorStatusAsync(new Echo.EchoClient(_channel), Wait);
    }
}
