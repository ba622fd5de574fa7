using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Relay.Daemon.Hosting;
using Relay.Tests.Root.Infrastructure;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Daemon;

/// <summary>
/// The real daemon process: the sd_notify datagrams systemd would receive on $NOTIFY_SOCKET, and
/// --log-json output parsed line by line.
/// </summary>
[Trait("Tier", "Loopback")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DaemonProcessTests : IDisposable
{
    private static readonly string[] AccessFields =
    [
        "Direction", "Client", "Destination", "Service", "Endpoint", "BytesToUpstream", "BytesToClient", "DurationMs",
        "Reason", "TlsVersion", "Cipher", "Alpn", "PeerIdentity", "Policy", "TlsError", "TlsStream",
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("relay-daemon-").FullName;
    private readonly int _listenerPort = FreePorts.Next();
    private readonly (int Outbound, int Inbound, int Admin) _ports = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next());

    [Fact]
    public async Task NotifySocket_ReceivesReady_ReloadingWithMonotonicUsec_ThenStopping()
    {
        using var echo = new LoopbackEchoServer();
        var config = WriteConfig(echo.EndPoint, idle: "1h");
        await using var relay = DaemonProcess.Start(_dir, config);

        var ready = await relay.WaitForDatagramAsync(m => m.StartsWith("READY=1", StringComparison.Ordinal));
        Assert.Matches("^READY=1\nSTATUS=running revision [0-9a-f]+$", ready);

        WriteConfig(echo.EndPoint, idle: "30m");
        var before = SystemdNotifier.MonotonicMicroseconds();
        relay.Signal(1); // SIGHUP
        var reloading = await relay.WaitForDatagramAsync(m => m.StartsWith("RELOADING=1", StringComparison.Ordinal));
        var after = SystemdNotifier.MonotonicMicroseconds();
        var usec = long.Parse(Assert.Single(reloading.Split('\n'), l => l.StartsWith("MONOTONIC_USEC=", StringComparison.Ordinal))["MONOTONIC_USEC=".Length..],
            System.Globalization.CultureInfo.InvariantCulture);
        // systemd compares it with its own CLOCK_MONOTONIC: it must be that clock, read while reloading.
        Assert.InRange(usec, before - 1_000_000, after);
        var reloaded = await relay.WaitForDatagramAsync(m => m.StartsWith("READY=1", StringComparison.Ordinal));
        Assert.Matches("^READY=1\nSTATUS=running revision [0-9a-f]+$", reloaded);
        Assert.NotEqual(ready, reloaded);

        relay.Signal(NativeMethods.SigTerm);
        var stopping = await relay.WaitForDatagramAsync(m => m.StartsWith("STOPPING=1", StringComparison.Ordinal));
        Assert.StartsWith("STOPPING=1\nSTATUS=", stopping);
        Assert.Equal(0, await relay.WaitForExitAsync());
    }

    [Fact]
    public async Task LogJson_EveryLineIsJson_AndTheAccessEventCarriesEveryField()
    {
        using var echo = new LoopbackEchoServer();
        var config = WriteConfig(echo.EndPoint, idle: "1h");
        await using var relay = DaemonProcess.Start(_dir, config, "--log-json");
        await relay.WaitForDatagramAsync(m => m.StartsWith("READY=1", StringComparison.Ordinal));

        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _listenerPort));
            await SocketIo.SendAllAsync(client, Encoding.ASCII.GetBytes("hello"));
            client.Shutdown(SocketShutdown.Send);
            Assert.Equal("hello", Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(client, DaemonProcess.Wait)));
        }
        var accessLine = await relay.WaitForStdoutAsync(l => l.Contains("\"Direction\"", StringComparison.Ordinal));
        relay.Signal(NativeMethods.SigTerm);
        Assert.Equal(0, await relay.WaitForExitAsync());

        Assert.NotEmpty(relay.StdoutLines);
        foreach (var line in relay.StdoutLines)
        {
            using var parsed = JsonDocument.Parse(line); // throws, failing the test, on any non-JSON line
            Assert.Equal(JsonValueKind.Object, parsed.RootElement.ValueKind);
        }
        using var access = JsonDocument.Parse(accessLine);
        var root = access.RootElement;
        Assert.All(AccessFields, f => Assert.True(root.TryGetProperty(f, out _), $"access event lacks {f}: {accessLine}"));
        Assert.Equal("outbound", root.GetProperty("Direction").GetString());
        Assert.Equal("echo", root.GetProperty("Service").GetString());
        Assert.Equal(echo.EndPoint.ToString(), root.GetProperty("Endpoint").GetString());
        Assert.Equal(5, root.GetProperty("BytesToUpstream").GetInt64());
        Assert.Equal(5, root.GetProperty("BytesToClient").GetInt64());
        Assert.Equal("completed", root.GetProperty("Reason").GetString());
        Assert.Equal("-", root.GetProperty("PeerIdentity").GetString());
    }

    private string WriteConfig(IPEndPoint echo, string idle)
    {
        var path = Path.Combine(_dir, "mesh.yaml");
        File.WriteAllText(path, $$"""
            mesh: { trust_domain: mesh.test }
            capture: { outbound_port: {{_ports.Outbound}}, inbound_port: {{_ports.Inbound}}, ipv6: false }
            admin: { address: "127.0.0.1:{{_ports.Admin}}" }
            limits: { idle_timeout: {{idle}} }
            services:
              echo: { port: {{echo.Port}}, endpoints: ["{{echo}}"], mesh_tls: false }
            listeners:
              - { address: "127.0.0.1:{{_listenerPort}}", direction: outbound, service: echo }
            """);
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
