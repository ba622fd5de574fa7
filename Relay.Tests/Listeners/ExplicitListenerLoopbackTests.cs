using System.Net;
using System.Net.Sockets;
using System.Text;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Listeners;

/// <summary>
/// Explicit listeners through a real RelayRuntime on loopback. The destination resolver always
/// fails, so bytes can only flow if the listener's fixed destination is used instead of SO_ORIGINAL_DST.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class ExplicitListenerLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task OutboundListener_RoutesToNamedService_AndLogsServiceName()
    {
        using var echo = new LoopbackEchoServer();
        var listen = FreePorts.Next();
        var yaml = $"services:\n  echo-app: {{ port: 80, endpoints: [\"127.0.0.1:{echo.EndPoint.Port}\"], mesh_tls: false }}\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: echo-app }}\n";
        await using var relay = await StartAsync(yaml);

        Assert.Equal("hello explicit", await EchoAsync(listen, "hello explicit"));

        var line = await relay.Log.WaitForAccessLineAsync(_ => true, Wait);
        Assert.Contains("direction=outbound", line);
        Assert.Contains("service=echo-app", line);
        Assert.Contains($"endpoint=127.0.0.1:{echo.EndPoint.Port}", line);
        Assert.Contains("up=14 down=14", line);
        Assert.Contains("reason=completed", line);
    }

    [Fact]
    public async Task InboundListener_ForwardsToDeclaredInboundPort()
    {
        using var echo = new LoopbackEchoServer();
        var listen = FreePorts.Next();
        var inboundPort = FreePorts.Next();
        var yaml = $"inbound:\n  - {{ port: {inboundPort}, forward_to: \"127.0.0.1:{echo.EndPoint.Port}\", mtls: permissive }}\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: inbound, inbound_port: {inboundPort} }}\n";
        await using var relay = await StartAsync(yaml);

        Assert.Equal("inbound bytes", await EchoAsync(listen, "inbound bytes"));

        var line = await relay.Log.WaitForAccessLineAsync(_ => true, Wait);
        Assert.Contains("direction=inbound", line);
        Assert.Contains($"dst=127.0.0.1:{inboundPort}", line);
        Assert.Contains("reason=completed", line);
    }

    private static async Task<string> EchoAsync(int port, string text)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await SocketIo.SendAllAsync(client, Encoding.ASCII.GetBytes(text));
        client.Shutdown(SocketShutdown.Send);
        return Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(client, Wait));
    }

    /// <summary>A loopback Relay whose SO_ORIGINAL_DST lookup always fails.</summary>
    private static Task<LoopbackRelay> StartAsync(string sections) => LoopbackRelay.StartAsync(sections, destination: null);
}
