using System.Net.Security;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;

namespace Relay.Bench.Micro;

/// <summary>
/// TLS record throughput: 16 MiB per op one way through a mesh TLS 1.3 SslStream pair over
/// loopback, against the same bytes over plain NetworkStreams (the baseline). MB/s = 16 / mean(s).
/// </summary>
[MemoryDiagnoser]
public class TlsThroughputBenchmarks
{
    private const int PayloadBytes = 16 << 20;

    // 64 KiB writes are cut into 16 KiB TLS records (the record size limit); reads take what arrives.
    private readonly byte[] _chunk = new byte[64 * 1024];
    private readonly byte[] _sink = new byte[64 * 1024];
    private MeshTlsPairs _tls = null!;
    private LoopbackSockets _sockets = null!;
    private Stream _plainWriter = null!;
    private Stream _plainReader = null!;
    private SslStream _tlsWriter = null!;
    private SslStream _tlsReader = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "plaintext, 16 MiB")]
    public Task Plaintext() => MoveAsync(_plainWriter, _plainReader);

    [Benchmark(Description = "TLS 1.3 AES-GCM, 16 MiB")]
    public Task Tls() => MoveAsync(_tlsWriter, _tlsReader);

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var stream in new[] { _plainWriter, _plainReader, _tlsWriter, _tlsReader })
        {
            stream.Dispose();
        }
        _sockets.Dispose();
        _tls.Dispose();
    }

    private async Task SetupAsync()
    {
        _tls = new MeshTlsPairs();
        _sockets = new LoopbackSockets();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var (a, b) = await _sockets.ConnectAsync(cts.Token);
        (_plainWriter, _plainReader) = (new NetworkStream(a, ownsSocket: true), new NetworkStream(b, ownsSocket: true));
        (_tlsWriter, _tlsReader) = await _tls.ConnectAsync(_sockets, "throughput.bench.local", cts.Token);
    }

    private async Task MoveAsync(Stream writer, Stream reader)
    {
        var receive = ReceiveAsync(reader);
        for (var sent = 0; sent < PayloadBytes; sent += _chunk.Length)
        {
            await writer.WriteAsync(_chunk);
        }
        await writer.FlushAsync();
        await receive;
    }

    private async Task ReceiveAsync(Stream reader)
    {
        for (var received = 0; received < PayloadBytes;)
        {
            var n = await reader.ReadAsync(_sink);
            received += n > 0 ? n : throw new EndOfStreamException("peer closed mid-benchmark");
        }
    }
}
