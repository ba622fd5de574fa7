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
    private byte[] _clientHello = null!;
    private readonly byte[] _http = Encoding.ASCII.GetBytes("GET /api/orders/42 HTTP/1.1\r\nHost: orders\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n");

    [GlobalSetup]
    public void Setup()
    {
        _clientHello = Hostile.ClientHelloBytes.CaptureAsync("orders.bench.local", [MeshAlpn.Protocol], CancellationToken.None).GetAwaiter().GetResult();
        if (ProtocolDetector.Detect(_clientHello) != DetectedProtocol.MeshTls)
        {
            throw new InvalidOperationException("captured ClientHello was not detected as mesh TLS");
        }
    }

    [Benchmark(Baseline = true)]
    public DetectedProtocol MeshClientHello() => ProtocolDetector.Detect(_clientHello);

    [Benchmark]
    public DetectedProtocol PlaintextHttp() => ProtocolDetector.Detect(_http);
}
