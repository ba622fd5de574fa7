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
        var client = new Echo.EchoClient(_channel);
        using var call = client.SayAsync(new Note { Text = "hello" }, deadline: DateTime.UtcNow + Wait);

        Assert.Equal("said hello", (await call.ResponseAsync).Text);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Contains("protocol=HTTP/2 status=200", await _relay.Log.WaitForLineAsync(l => l.StartsWith("request ", StringComparison.Ordinal), Wait));
    }

    [Fact]
    public async Task ServerStreaming_DeliversEveryMessage_AndTheTrailers()
    {
        var client = new Echo.EchoClient(_channel);
        using var call = client.Repeat(new RepeatRequest { Text = "tick", Count = 50 }, deadline: DateTime.UtcNow + Wait);

        var received = new List<string>();
        await foreach (var note in call.ResponseStream.ReadAllAsync())
        {
            received.Add(note.Text);
        }

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"tick {i}"), received);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal("50", call.GetTrailers().GetValue("x-repeat-count"));
    }

    [Fact]
    public async Task BidirectionalStreaming_InterleavesBothWays()
    {
        var client = new Echo.EchoClient(_channel);
        using var call = client.Chat(deadline: DateTime.UtcNow + Wait);

        for (var i = 0; i < 10; i++)
        {
            // Each reply must arrive before the next message is sent: nothing is buffered whole.
            await call.RequestStream.WriteAsync(new Note { Text = $"m{i}" });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal($"re: m{i}", call.ResponseStream.Current.Text);
        }
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ErrorStatus_TravelsInTheTrailers()
    {
        var client = new Echo.EchoClient(_channel);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.FailAsync(new Note { Text = "x" }, deadline: DateTime.UtcNow + Wait));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("refused: x", error.Status.Detail);
    }
}
