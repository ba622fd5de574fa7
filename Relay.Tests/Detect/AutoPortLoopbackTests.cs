using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Detect;

/// <summary>
/// The detect stage inside a real RelayRuntime: a service marked <c>protocol: auto</c>, reached
/// through an explicit outbound listener on loopback.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class AutoPortLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ServerFirstProtocol_OnAutoService_FallsBackToTcpAfterTheDetectTimeout()
    {
        // An SMTP-like upstream: it greets first, then echoes one line.
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        upstream.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        upstream.Listen(4);
        var server = ServeGreetingAsync(upstream);
        await using var relay = await StartAsync(((IPEndPoint)upstream.LocalEndPoint!).Port, "auto", out var listen);

        using var client = await ConnectAsync(listen);
        var started = Stopwatch.GetTimestamp();
        var greeting = await ReadLineAsync(client);
        var waited = Stopwatch.GetElapsedTime(started);
        await SocketIo.SendAllAsync(client, "QUIT\r\n"u8.ToArray());
        Assert.Equal("220 ready", greeting);
        Assert.Equal("221 QUIT", await ReadLineAsync(client));
        // The greeting waited for the detect timeout (1 s), not for ever.
        Assert.InRange(waited, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(10));
        client.Shutdown(SocketShutdown.Send);
        await server.WaitAsync(Wait);

        var line = await relay.Log.WaitForAccessLineAsync(_ => true, Wait);
        Assert.Contains("protocol=tcp detect=timeout", line);
        Assert.Contains("reason=completed", line);
    }

    [Fact]
    public async Task ServerFirstProtocol_OnTcpService_DoesNotWait()
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        upstream.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        upstream.Listen(4);
        var server = ServeGreetingAsync(upstream);
        await using var relay = await StartAsync(((IPEndPoint)upstream.LocalEndPoint!).Port, "tcp", out var listen);

        using var client = await ConnectAsync(listen);
        var started = Stopwatch.GetTimestamp();
        Assert.Equal("220 ready", await ReadLineAsync(client));
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromMilliseconds(900), "a tcp service must not wait for detection");
        await SocketIo.SendAllAsync(client, "QUIT\r\n"u8.ToArray());
        Assert.Equal("221 QUIT", await ReadLineAsync(client));
        client.Shutdown(SocketShutdown.Send);
        await server.WaitAsync(Wait);
        Assert.Contains("protocol=tcp detect=skipped", await relay.Log.WaitForAccessLineAsync(_ => true, Wait));
    }

    [Fact]
    public async Task HttpRequest_OnAutoService_TakesTheHttpPath()
    {
        await using var upstream = await Http.UpstreamApp.StartAsync();
        await using var relay = await StartAsync(upstream.Port, "auto", out var listen);

        using var client = await ConnectAsync(listen);
        await SocketIo.SendAllAsync(client, "GET /proto HTTP/1.1\r\nHost: orders\r\nConnection: close\r\n\r\n"u8.ToArray());
        var reply = Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(client, Wait));

        Assert.StartsWith("HTTP/1.1 200 ", reply);
        Assert.Contains("HTTP/1.1 id=", reply);
        var line = await relay.Log.WaitForAccessLineAsync(_ => true, Wait);
        Assert.Contains("protocol=http1 detect=http1", line);
        Assert.Equal(1, upstream.Requests);
    }

    [Fact]
    public async Task FirstBytesInPieces_OnAutoService_ReachTheUpstreamWholeAndInOrder()
    {
        // A truncated TLS record header, then silence past the detect timeout: carried as TCP,
        // and the five bytes detection read while waiting must still reach the upstream first.
        using var echo = new LoopbackEchoServer();
        await using var relay = await StartAsync(echo.EndPoint.Port, "auto", out var listen);
        using var client = await ConnectAsync(listen);
        byte[] head = [0x16, 0x03, 0x01, 0x02, 0x00];
        await SocketIo.SendAllAsync(client, head);
        await Task.Delay(1_300);
        var tail = Encoding.ASCII.GetBytes("and the rest");
        await SocketIo.SendAllAsync(client, tail);
        client.Shutdown(SocketShutdown.Send);

        var echoed = await SocketIo.ReadToEndAsync(client, Wait);

        Assert.Equal([.. head, .. tail], echoed);
        var line = await relay.Log.WaitForAccessLineAsync(_ => true, Wait);
        Assert.Contains("protocol=tcp detect=timeout", line);
        Assert.Contains($"up={head.Length + tail.Length} down={head.Length + tail.Length}", line);
    }

    [Fact]
    public async Task RequestLineInPieces_OnAutoService_IsServedOverHttp()
    {
        await using var upstream = await Relay.Tests.Http.UpstreamApp.StartAsync();
        await using var relay = await StartAsync(upstream.Port, "auto", out var listen);
        using var client = await ConnectAsync(listen);
        foreach (var piece in new[] { "GE", "T /hel", "lo HTTP/1.1\r\nHo", "st: x\r\nConnection: close\r\n\r\n" })
        {
            await SocketIo.SendAllAsync(client, Encoding.ASCII.GetBytes(piece));
            await Task.Delay(30);
        }

        var reply = Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(client, Wait));

        Assert.StartsWith("HTTP/1.1 200 ", reply);
        Assert.Equal(1, upstream.Requests);
        Assert.Contains("detect=http1", await relay.Log.WaitForAccessLineAsync(_ => true, Wait));
    }

    private static Task<LoopbackRelay> StartAsync(int upstreamPort, string protocol, out int listen)
    {
        listen = FreePorts.Next();
        var yaml = $"services:\n  app: {{ port: 80, endpoints: [\"127.0.0.1:{upstreamPort}\"], mesh_tls: false, protocol: {protocol} }}\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n";
        return LoopbackRelay.StartAsync(yaml, destination: null);
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return client;
    }

    private static async Task ServeGreetingAsync(Socket listener)
    {
        using var accepted = await listener.AcceptAsync();
        await SocketIo.SendAllAsync(accepted, "220 ready\r\n"u8.ToArray());
        var command = await ReadLineAsync(accepted);
        await SocketIo.SendAllAsync(accepted, Encoding.ASCII.GetBytes($"221 {command}\r\n"));
        await SocketIo.ReadToEndAsync(accepted, Wait);
    }

    private static async Task<string> ReadLineAsync(Socket socket)
    {
        var line = new List<byte>();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(Wait);
        while (await socket.ReceiveAsync(one, SocketFlags.None, timeout.Token) == 1 && one[0] != '\n')
        {
            if (one[0] != '\r')
            {
                line.Add(one[0]);
            }
        }
        return Encoding.ASCII.GetString(line.ToArray());
    }
}
