using System.Collections.Immutable;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Relay.Tls.Identity;
using Relay.Tls.MeshTls;

namespace Relay.Bench.Micro;

/// <summary>
/// Authenticated mesh TLS 1.3 SslStream pairs over loopback, made by MeshTlsHandshaker as Relay
/// runs it (mutual certificates from a throw-away mesh CA, SPIFFE peer validation, ALPN), for
/// benchmarks that measure what flows over an established connection.
/// </summary>
internal sealed class MeshTlsPairs : IDisposable
{
    private static readonly ImmutableArray<SpiffeId> ServerIds = [SpiffeId.Parse(BenchPki.ServerId)];

    private readonly BenchPki _pki = new();

    /// <summary>The credentials behind the pairs, for a benchmark that builds its own TLS ends from them.</summary>
    public BenchPki Pki => _pki;
    private readonly TlsMetrics _metrics = new();
    private readonly MeshTlsHandshaker _handshaker;

    public MeshTlsPairs()
    {
        var validator = new PeerCertificateValidator();
        _handshaker = new MeshTlsHandshaker(new MeshTlsOptionsFactory(validator, SslProtocols.Tls13), validator, _metrics);
    }

    /// <summary>A new loopback connection from <paramref name="sockets"/> with both ends authenticated; throws if either handshake fails.</summary>
    public async Task<(SslStream Client, SslStream Server)> ConnectAsync(LoopbackSockets sockets, string targetHost, CancellationToken cancellationToken)
    {
        var (c, s) = await sockets.ConnectAsync(cancellationToken);
        var client = new SslStream(new NetworkStream(c, ownsSocket: true));
        var server = new SslStream(new NetworkStream(s, ownsSocket: true));
        var serverDone = _handshaker.AuthenticateAsServerAsync(server, _pki.Server, null, cancellationToken);
        var clientDone = await _handshaker.AuthenticateAsClientAsync(client, _pki.Client, targetHost, ServerIds, cancellationToken);
        if (!clientDone.Succeeded || !(await serverDone).Succeeded)
        {
            throw new InvalidOperationException($"handshake failed: {clientDone.Detail}");
        }
        return (client, server);
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _pki.Dispose();
    }
}
