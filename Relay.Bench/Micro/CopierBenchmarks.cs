using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Relay.Core.Transport;

namespace Relay.Bench.Micro;

/// <summary>
/// Bytes through the copier between two loopback TCP connections, against the same bytes over
/// one direct loopback connection (the baseline). Each op moves 16 MiB; MB/s = 16 / mean(s).
/// </summary>
[MemoryDiagnoser]
public class CopierBenchmarks
{
    private const int PayloadBytes = 16 << 20;
    private readonly byte[] _chunk = new byte[64 * 1024];
    private readonly byte[] _sink = new byte[256 * 1024];
    private Socket _directSender = null!;
    private Socket _directReceiver = null!;
    private Socket _app = null!;
    private Socket _server = null!;
    private ConnectionEnd _clientEnd = null!;
    private ConnectionEnd _upstreamEnd = null!;
    private Task _copy = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_directSender, _directReceiver) = Connect();
        (_app, var relayClient) = Connect();
        (var relayUpstream, _server) = Connect();
        _clientEnd = ConnectionEnd.ForSocket(relayClient, 65536);
        _upstreamEnd = ConnectionEnd.ForSocket(relayUpstream, 65536);
        _copy = DuplexCopier.CopyAsync(_clientEnd, _upstreamEnd, new ActivityClock());
    }

    [Benchmark(Baseline = true, Description = "direct socket, 16 MiB")]
    public Task Direct() => MoveAsync(_directSender, _directReceiver);

    [Benchmark(Description = "through DuplexCopier, 16 MiB")]
    public Task ThroughCopier() => MoveAsync(_app, _server);

    [GlobalCleanup]
    public void Cleanup()
    {
        _app.Shutdown(SocketShutdown.Send);
        _server.Shutdown(SocketShutdown.Send);
        _copy.Wait(TimeSpan.FromSeconds(10));
        foreach (var socket in new[] { _directSender, _directReceiver, _app, _server })
        {
            socket.Dispose();
        }
    }

    private async Task MoveAsync(Socket from, Socket to)
    {
        var receive = ReceiveAsync(to);
        for (var sent = 0; sent < PayloadBytes; sent += _chunk.Length)
        {
            await from.SendAsync(_chunk, SocketFlags.None);
        }
        await receive;
    }

    private async Task ReceiveAsync(Socket socket)
    {
        for (var received = 0; received < PayloadBytes;)
        {
            received += await socket.ReceiveAsync(_sink, SocketFlags.None);
        }
    }

    private static (Socket Client, Socket Server) Connect()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(listener.LocalEndPoint!);
        var server = listener.Accept();
        server.NoDelay = true;
        return (client, server);
    }
}
