using System.Collections.Immutable;
using System.Net.Security;
using BenchmarkDotNet.Attributes;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Relay.Tls.Identity;
using Relay.Tls.MeshTls;

namespace Relay.Bench.Micro.Packages;

/// <summary>
/// Issue 16's A/B of BouncyCastle TLS against SslStream for records, in TlsRecordBenchmarks'
/// shape: 64 loopback connections at once, each a 1 KiB request echoed back, mesh TLS 1.3 with
/// mutual ECDSA P-256 certificates from the same throw-away CA. Baseline: SslStreams made by
/// MeshTlsHandshaker as Relay runs it. The other: <see cref="BcTlsStream"/>, BouncyCastle's
/// non-blocking TlsClientProtocol/TlsServerProtocol fed from socket reads, its crypto in managed
/// code (BcTlsCrypto). Both ends in this process; time is per round trip.
/// </summary>
[MemoryDiagnoser]
public class TlsPackageRecordBenchmarks
{
    // The load runner's rps-c64 workload: 64 keep-alive connections, 1 KiB responses.
    private const int Connections = 64;

    private MeshTlsPairs _pairs = null!;
    private LoopbackSockets _sockets = null!;
    private EchoEndpoint[] _sslStream = null!;
    private EchoEndpoint[] _bouncyCastle = null!;
    private CancellationTokenSource _stop = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, OperationsPerInvoke = Connections, Description = "SslStream, 64 × 1 KiB round trip")]
    public Task SslStream() => RoundTripAllAsync(_sslStream);

    [Benchmark(OperationsPerInvoke = Connections, Description = "BouncyCastle TLS, 64 × 1 KiB round trip")]
    public Task BouncyCastle() => RoundTripAllAsync(_bouncyCastle);

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        foreach (var endpoint in _sslStream.Concat(_bouncyCastle))
        {
            endpoint.Dispose();
        }
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
        var crypto = new BcTlsCrypto(new SecureRandom());
        var validator = new PeerCertificateValidator();
        var client = new BcMeshCredentials(_pairs.Pki.Client, crypto, validator);
        var server = new BcMeshCredentials(_pairs.Pki.Server, crypto, validator);
        ImmutableArray<SpiffeId> serverIds = [SpiffeId.Parse(BenchPki.ServerId)];
        _sslStream = new EchoEndpoint[Connections];
        _bouncyCastle = new EchoEndpoint[Connections];
        for (var i = 0; i < Connections; i++)
        {
            var (sslClient, sslServer) = await _pairs.ConnectAsync(_sockets, "record.bench.local", cts.Token);
            if (sslClient.NegotiatedCipherSuite != TlsCipherSuite.TLS_AES_256_GCM_SHA384)
            {
                // BcMeshPeers pins this suite; a different SslStream choice would compare unlike ciphers.
                throw new InvalidOperationException($"SslStream negotiated {sslClient.NegotiatedCipherSuite}, not the suite the BouncyCastle ends use");
            }
            _sslStream[i] = EchoEndpoint.Start(sslClient, sslServer, _stop.Token);
            var (bcClient, bcServer) = await BcMeshPair.ConnectAsync(_sockets, client, server, "record.bench.local", serverIds, cts.Token);
            _bouncyCastle[i] = EchoEndpoint.Start(bcClient, bcServer, _stop.Token);
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
