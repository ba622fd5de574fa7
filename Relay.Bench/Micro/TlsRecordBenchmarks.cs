using System.Net.Security;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Relay.Bench.Micro.OpenSsl;

namespace Relay.Bench.Micro;

/// <summary>
/// Small-record cost at mesh concurrency: 64 connections at once, each a 1 KiB request answered
/// by a 1 KiB echo (the rps-c64 load shape), over mesh TLS 1.3 SslStreams against plain
/// NetworkStreams. One op is one round trip on every connection; the reported time is per round
/// trip. On a 2-core machine both ends saturate the CPU, so TLS ÷ plaintext approximates the CPU
/// TLS adds per record pair (one encrypt and one decrypt each way) in the Relay pair's keep-alive
/// traffic. Two OpenSSL rows tell how much of that is SslStream: the same traffic with libssl
/// called directly over the same sockets, and the same records with no sockets at all, in one
/// thread (three runs: no reliable gain from the direct calls; docs/performance.md, "Known gaps").
/// </summary>
[MemoryDiagnoser]
public class TlsRecordBenchmarks
{
    // The load runner's rps-c64 workload: 64 keep-alive connections, 1 KiB responses.
    private const int Connections = 64;
    private const int MessageBytes = 1024;

    private MeshTlsPairs _pairs = null!;
    private LoopbackSockets _sockets = null!;
    private EchoEndpoint[] _plain = null!;
    private EchoEndpoint[] _tls = null!;
    private EchoEndpoint[] _openSsl = null!;
    private OpenSslContext _clientContext = null!;
    private OpenSslContext _serverContext = null!;
    private OpenSslMemoryPair[] _memory = null!;
    private readonly byte[] _message = new byte[MessageBytes];
    private CancellationTokenSource _stop = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, OperationsPerInvoke = Connections, Description = "plaintext, 64 × 1 KiB round trip")]
    public Task Plaintext() => RoundTripAllAsync(_plain);

    [Benchmark(OperationsPerInvoke = Connections, Description = "TLS 1.3 AES-GCM, 64 × 1 KiB round trip")]
    public Task Tls() => RoundTripAllAsync(_tls);

    [Benchmark(OperationsPerInvoke = Connections, Description = "TLS 1.3, OpenSSL called directly, 64 × 1 KiB round trip")]
    public Task OpenSslDirect() => RoundTripAllAsync(_openSsl);

    [Benchmark(OperationsPerInvoke = Connections, Description = "TLS 1.3, OpenSSL in memory, one thread, 64 × 1 KiB round trip")]
    public void OpenSslInMemory()
    {
        foreach (var pair in _memory)
        {
            pair.RoundTrip(_message);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        foreach (var endpoint in _plain.Concat(_tls).Concat(_openSsl))
        {
            endpoint.Dispose();
        }
        foreach (var pair in _memory)
        {
            pair.Dispose();
        }
        _clientContext.Dispose();
        _serverContext.Dispose();
        _sockets.Dispose();
        _pairs.Dispose();
        _stop.Dispose();
    }

    private async Task SetupAsync()
    {
        _pairs = new MeshTlsPairs();
        _sockets = new LoopbackSockets();
        _stop = new CancellationTokenSource();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _plain = new EchoEndpoint[Connections];
        _tls = new EchoEndpoint[Connections];
        _openSsl = new EchoEndpoint[Connections];
        _memory = new OpenSslMemoryPair[Connections];
        _clientContext = new OpenSslContext(_pairs.Pki.Client);
        _serverContext = new OpenSslContext(_pairs.Pki.Server);
        for (var i = 0; i < Connections; i++)
        {
            var (a, b) = await _sockets.ConnectAsync(cts.Token);
            _plain[i] = EchoEndpoint.Start(new NetworkStream(a, ownsSocket: true), new NetworkStream(b, ownsSocket: true), _stop.Token);
            var (client, server) = await _pairs.ConnectAsync(_sockets, "record.bench.local", cts.Token);
            _tls[i] = EchoEndpoint.Start(client, server, _stop.Token);
            (a, b) = await _sockets.ConnectAsync(cts.Token);
            var serverDone = OpenSslSocketStream.HandshakeAsync(_serverContext, b, client: false, cts.Token);
            var openSslClient = await OpenSslSocketStream.HandshakeAsync(_clientContext, a, client: true, cts.Token);
            _openSsl[i] = EchoEndpoint.Start(openSslClient, await serverDone, _stop.Token);
            _memory[i] = new OpenSslMemoryPair(_clientContext, _serverContext);
        }
    }

    private static Task RoundTripAllAsync(EchoEndpoint[] endpoints)
    {
        var all = new Task[endpoints.Length];
        for (var i = 0; i < endpoints.Length; i++)
        {
            all[i] = endpoints[i].RoundTripAsync();
        }
        return Task.WhenAll(all);
    }
}
