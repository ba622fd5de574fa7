using System.Collections.Immutable;
using System.Net.Security;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Relay.Tls.Identity;
using Relay.Tls.MeshTls;

namespace Relay.Bench.Micro.Packages;

/// <summary>
/// Issue 16's A/B of BouncyCastle TLS against SslStream for handshakes, in TlsHandshakeBenchmarks'
/// Full shape: per op a fresh loopback TCP connection, a full mesh TLS 1.3 handshake with client
/// certificates (no session to resume: a new target host per op for SslStream; BouncyCastle keeps
/// no client sessions here), peer validation against the bench CA on both sides, one byte each
/// way and close_notify from both ends. Baseline: MeshTlsHandshaker over SslStream as Relay runs
/// it. The other: <see cref="BcTlsStream"/> with <see cref="BcMeshServer"/>/<see cref="BcMeshClient"/>.
/// </summary>
[MemoryDiagnoser]
public class TlsPackageHandshakeBenchmarks
{
    // Far above a loopback handshake's few ms; only bounds a broken run.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly byte[] _one = [42];
    private readonly byte[] _read = new byte[1];
    private BenchPki _pki = null!;
    private LoopbackSockets _sockets = null!;
    private MeshTlsHandshaker _handshaker = null!;
    private TlsMetrics _metrics = null!;
    private BcMeshCredentials _bcClient = null!;
    private BcMeshCredentials _bcServer = null!;
    private ImmutableArray<SpiffeId> _serverIds;

    [GlobalSetup]
    public void Setup()
    {
        _pki = new BenchPki();
        _sockets = new LoopbackSockets();
        _metrics = new TlsMetrics();
        var validator = new PeerCertificateValidator();
        _handshaker = new MeshTlsHandshaker(new MeshTlsOptionsFactory(validator, System.Security.Authentication.SslProtocols.Tls13), validator, _metrics);
        _serverIds = [SpiffeId.Parse(BenchPki.ServerId)];
        var crypto = new BcTlsCrypto(new SecureRandom());
        _bcClient = new BcMeshCredentials(_pki.Client, crypto, validator);
        _bcServer = new BcMeshCredentials(_pki.Server, crypto, validator);
    }

    [Benchmark(Baseline = true, Description = "SslStream, full mTLS 1.3 handshake")]
    public async Task SslStreamFull()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (clientSocket, serverSocket) = await _sockets.ConnectAsync(cts.Token);
        await using var client = new SslStream(new NetworkStream(clientSocket, ownsSocket: true));
        await using var server = new SslStream(new NetworkStream(serverSocket, ownsSocket: true));
        var serverSide = ServeSslAsync(server, cts.Token);
        var result = await _handshaker.AuthenticateAsClientAsync(client, _pki.Client, $"{Guid.NewGuid():N}.bench.local", _serverIds, cts.Token);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"client handshake failed: {result.Detail}");
        }
        await client.WriteAsync(_one, cts.Token);
        await client.ReadExactlyAsync(_read, cts.Token);
        await serverSide;
        await client.ShutdownAsync();
    }

    [Benchmark(Description = "BouncyCastle TLS, full mTLS 1.3 handshake")]
    public async Task BouncyCastleFull()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (client, server) = await BcMeshPair.ConnectAsync(_sockets, _bcClient, _bcServer, $"{Guid.NewGuid():N}.bench.local", _serverIds, cts.Token);
        await using (client)
        await using (server)
        {
            var serverSide = ServeBcAsync(server, cts.Token);
            await client.WriteAsync(_one, cts.Token);
            await client.ReadExactlyAsync(_read, cts.Token);
            await serverSide;
            await client.ShutdownAsync();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sockets.Dispose();
        _metrics.Dispose();
        _pki.Dispose();
    }

    private async Task ServeSslAsync(SslStream server, CancellationToken cancellationToken)
    {
        var result = await _handshaker.AuthenticateAsServerAsync(server, _pki.Server, null, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"server handshake failed: {result.Detail}");
        }
        var buffer = new byte[1];
        await server.ReadExactlyAsync(buffer, cancellationToken);
        await server.WriteAsync(buffer, cancellationToken);
        await server.ShutdownAsync();
    }

    private static async Task ServeBcAsync(BcTlsStream server, CancellationToken cancellationToken)
    {
        var buffer = new byte[1];
        await server.ReadExactlyAsync(buffer, cancellationToken);
        await server.WriteAsync(buffer, cancellationToken);
        await server.ShutdownAsync();
    }
}
