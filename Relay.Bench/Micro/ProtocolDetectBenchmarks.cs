using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using Relay.Core.Detect;
using Relay.Tls.MeshTls;

namespace Relay.Bench.Micro;

/// <summary>
/// Classifying the peeked first bytes of an inbound connection: a real ClientHello (captured from
/// an SslStream client offering the mesh ALPN) and a plaintext HTTP request.
/// </summary>
[MemoryDiagnoser]
public class ProtocolDetectBenchmarks
{
    private static readonly TimeSpan CaptureTimeout = TimeSpan.FromSeconds(10);

    private byte[] _clientHello = null!;
    private readonly byte[] _http = Encoding.ASCII.GetBytes("GET /api/orders/42 HTTP/1.1\r\nHost: orders\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n");

    [GlobalSetup]
    public void Setup()
    {
        _clientHello = CaptureClientHelloAsync().GetAwaiter().GetResult();
        if (ProtocolDetector.Detect(_clientHello) != DetectedProtocol.MeshTls)
        {
            throw new InvalidOperationException("captured ClientHello was not detected as mesh TLS");
        }
    }

    [Benchmark(Baseline = true)]
    public DetectedProtocol MeshClientHello() => ProtocolDetector.Detect(_clientHello);

    [Benchmark]
    public DetectedProtocol PlaintextHttp() => ProtocolDetector.Detect(_http);

    /// <summary>The bytes a real client sends, read with MSG_PEEK until the hello is complete; the server never answers.</summary>
    private static async Task<byte[]> CaptureClientHelloAsync()
    {
        using var cts = new CancellationTokenSource(CaptureTimeout);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        var accept = listener.AcceptSocketAsync(cts.Token).AsTask();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, cts.Token);
        using var server = await accept;
        using var ssl = new SslStream(client.GetStream());
        var handshake = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "orders.bench.local",
            ApplicationProtocols = [MeshAlpn.Protocol],
        }, cts.Token);
        var buffer = new byte[ClientHelloPeek.MaxPeekBytes];
        while (true)
        {
            var n = await server.ReceiveAsync(buffer, SocketFlags.Peek, cts.Token);
            if (n > 0 && ClientHelloPeek.Parse(buffer.AsSpan(0, n)).Status != ClientHelloPeekStatus.NeedMoreData)
            {
                server.Close();
                await handshake.ContinueWith(_ => { }, TaskScheduler.Default);
                return buffer[..n];
            }
            await Task.Delay(10, cts.Token);
        }
    }
}
