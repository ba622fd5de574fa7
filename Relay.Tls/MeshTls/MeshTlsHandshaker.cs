using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Authentication;
using Relay.Tls.Certificates;
using Relay.Tls.Identity;

namespace Relay.Tls.MeshTls;

/// <summary>
/// Runs one mesh handshake on an SslStream and turns every outcome into a <see cref="MeshHandshakeResult"/>
/// (recorded once in <see cref="TlsMetrics"/>). After success it re-validates the peer when the
/// callback did not run, so a resumed session is still checked against the current bundle and
/// policy, and it insists a relay ALPN token was negotiated.
/// </summary>
public sealed class MeshTlsHandshaker(MeshTlsOptionsFactory factory, PeerCertificateValidator validator, TlsMetrics metrics)
{
    public async Task<MeshHandshakeResult> AuthenticateAsServerAsync(
        SslStream stream, MeshCredentials credentials, ImmutableArray<SpiffeIdPattern>? allow, CancellationToken cancellationToken)
    {
        var server = factory.CreateServer(credentials, allow);
        var failure = await RunAsync(stream.AuthenticateAsServerAsync(server.Options, cancellationToken), cancellationToken);
        var result = Conclude(stream, failure, server.Verdict, credentials, PeerRole.Client, allow);
        metrics.RecordHandshake(PeerRole.Client, result);
        return result;
    }

    public async Task<MeshHandshakeResult> AuthenticateAsClientAsync(
        SslStream stream, MeshCredentials credentials, string targetHost, ImmutableArray<SpiffeId> expectedServerIdentities, CancellationToken cancellationToken,
        List<SslApplicationProtocol>? alpn = null)
    {
        var client = factory.CreateClient(credentials, targetHost, expectedServerIdentities, alpn);
        var failure = await RunAsync(stream.AuthenticateAsClientAsync(client.Options, cancellationToken), cancellationToken);
        var allow = MeshTlsOptionsFactory.ServerAllowList(expectedServerIdentities);
        var result = Conclude(stream, failure, client.Verdict, credentials, PeerRole.Server, allow);
        metrics.RecordHandshake(PeerRole.Server, result);
        return result;
    }

    private static async Task<MeshHandshakeResult?> RunAsync(Task handshake, CancellationToken cancellationToken)
    {
        try
        {
            await handshake.ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return MeshHandshakeResult.Failed(MeshHandshakeFailure.Timeout, "handshake deadline expired");
        }
        catch (Exception e) when (e is AuthenticationException or IOException or ObjectDisposedException)
        {
            return MeshHandshakeResult.Failed(MeshHandshakeFailure.ProtocolError, e.Message);
        }
    }

    private MeshHandshakeResult Conclude(
        SslStream stream, MeshHandshakeResult? failure, PeerVerdict verdict, MeshCredentials credentials, PeerRole peerRole, ImmutableArray<SpiffeIdPattern>? allow)
    {
        if (failure is not null)
        {
            // Our callback's reason beats SslStream's generic exception text.
            return verdict.Result is { Accepted: false } rejected ? MeshHandshakeResult.Rejected(rejected) : failure;
        }
        var final = verdict.Result ?? validator.Validate(stream.RemoteCertificate, null, credentials, peerRole, allow);
        if (!final.Accepted)
        {
            return MeshHandshakeResult.Rejected(final);
        }
        return MeshAlpn.IsMesh(stream.NegotiatedApplicationProtocol)
            ? MeshHandshakeResult.Success(final.PeerId!)
            : MeshHandshakeResult.Failed(MeshHandshakeFailure.AlpnMismatch, $"negotiated ALPN '{stream.NegotiatedApplicationProtocol}', expected '{MeshAlpn.FramedToken}', '{MeshAlpn.Token}' or '{MeshAlpn.HttpToken}'");
    }
}
