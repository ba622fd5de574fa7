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

    [Fact]
    public async Task Reload_KeepingTheAddressButChangingWhereItLeads_AppliesToNewConnections_OnTheSameSocket()
    {
        using var first = new LoopbackEchoServer();
        using var second = new LoopbackEchoServer();
        var ports = FreePorts.Distinct(2);
        var (listen, inboundPort) = (ports[0], ports[1]);
        string Yaml(string listener) =>
            $"services:\n  one: {{ port: 80, endpoints: [\"127.0.0.1:{first.EndPoint.Port}\"], mesh_tls: false }}\n"
            + $"  two: {{ port: 81, endpoints: [\"127.0.0.1:{second.EndPoint.Port}\"], mesh_tls: false }}\n"
            + $"inbound:\n  - {{ port: {inboundPort}, forward_to: \"127.0.0.1:{first.EndPoint.Port}\", mtls: permissive }}\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", {listener} }}\n";
        await using var relay = await StartAsync(Yaml("direction: outbound, service: one"));
        Assert.Equal("to one", await EchoAsync(listen, "to one"));
        var socketBefore = Assert.Single(relay.Runtime.OpenListeners, l => l.Address.Port == listen);

        Assert.Empty(await relay.Runtime.ApplyAsync(relay.Reconfigure(Yaml("direction: outbound, service: two"))));
        Assert.Equal("to two", await EchoAsync(listen, "to two"));
        Assert.Empty(await relay.Runtime.ApplyAsync(relay.Reconfigure(Yaml($"direction: inbound, inbound_port: {inboundPort}"))));
        Assert.Equal("inbound now", await EchoAsync(listen, "inbound now"));

        Assert.Equal(socketBefore.Address, Assert.Single(relay.Runtime.OpenListeners, l => l.Address.Port == listen).Address);
        // Each access line is written as its connection ends, which can be just after the client has
        // read the echo to EOF (the inbound one was not there yet in CI of 386718e): wait for each.
        await relay.Log.WaitForAccessLineAsync(l => l.Contains("service=one") && l.Contains($"endpoint=127.0.0.1:{first.EndPoint.Port}"), Wait);
        await relay.Log.WaitForAccessLineAsync(l => l.Contains("service=two") && l.Contains($"endpoint=127.0.0.1:{second.EndPoint.Port}"), Wait);
        await relay.Log.WaitForAccessLineAsync(l => l.Contains("direction=inbound") && l.Contains($"dst=127.0.0.1:{inboundPort}"), Wait);
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
