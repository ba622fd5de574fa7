using System.Collections.Immutable;
using System.Net.Security;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Relay.Tls.Identity;
using Relay.Tls.MeshTls;

namespace Relay.Bench.Micro;

/// <summary>
/// One mesh TLS 1.3 handshake per op, both ends in this process over a fresh loopback TCP
/// connection, with MeshTlsHandshaker exactly as Relay runs it (peer validation, ALPN), one byte
/// each way (the client stores the session ticket only after reading) and a clean close.
/// Full: a new target host per op, so the client has no session. Resumed: one fixed target host.
/// TcpOnly is the connect/close cost included in both.
/// </summary>
[MemoryDiagnoser]
public class TlsHandshakeBenchmarks
{
    // Far above a loopback handshake's few ms; only bounds a broken run.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly byte[] _one = [42];
    private readonly byte[] _read = new byte[1];
    private BenchPki _pki = null!;
    private LoopbackSockets _sockets = null!;
    private MeshTlsHandshaker _handshaker = null!;
    private TlsMetrics _metrics = null!;
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
        // Prime the resumption ticket so the first measured Resumed op already resumes.
        Resumed().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public async Task TcpOnly()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (client, server) = await _sockets.ConnectAsync(cts.Token);
        client.Dispose();
        server.Dispose();
    }

    [Benchmark]
    public Task Full() => HandshakeAsync($"{Guid.NewGuid():N}.bench.local");

    [Benchmark]
    public Task Resumed() => HandshakeAsync("resumed.bench.local");

    [GlobalCleanup]
    public void Cleanup()
    {
        _sockets.Dispose();
        _metrics.Dispose();
        _pki.Dispose();
    }

    private async Task HandshakeAsync(string targetHost)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (clientSocket, serverSocket) = await _sockets.ConnectAsync(cts.Token);
        await using var client = new SslStream(new NetworkStream(clientSocket, ownsSocket: true));
        await using var server = new SslStream(new NetworkStream(serverSocket, ownsSocket: true));
        var serverSide = ServeAsync(server, cts.Token);
        var result = await _handshaker.AuthenticateAsClientAsync(client, _pki.Client, targetHost, _serverIds, cts.Token);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"client handshake failed: {result.Detail}");
        }
        await client.WriteAsync(_one, cts.Token);
        await client.ReadExactlyAsync(_read, cts.Token);
        await serverSide;
        await client.ShutdownAsync();
    }

    private async Task ServeAsync(SslStream server, CancellationToken cancellationToken)
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
}
