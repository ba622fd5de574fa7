using System.Net.Security;
using System.Net.Sockets;
using Relay.Core.Config;
using Relay.Core.Detect;
using Relay.Core.Vocabulary;

namespace Relay.Core.Mtls;

/// <summary>
/// Inbound: classify the caller's first bytes; terminate mesh mTLS and authorize the caller's
/// SPIFFE ID; pass anything else through unchanged (permissive) or refuse it (strict).
/// </summary>
internal static class InboundSecurity
{
    /// <summary>Whether the detect stage must run for this port's mesh decision: only when there is TLS to terminate.</summary>
    public static bool NeedsDetection(MeshTlsRuntime? tls) => tls is not null;

    /// <param name="detection">The detect stage's result: a silent caller (server-first) passes in
    /// permissive mode as plaintext and is refused in strict mode, like any non-mesh caller.</param>
    /// <param name="handshakeTimeout">limits.inbound_handshake_timeout: the caller has not authenticated yet, so it gets less than HandshakeConclusion.Timeout.</param>
    public static async Task<SecuredStream> SecureAsync(Socket client, InboundPortSnapshot port, MeshTlsRuntime? tls, Detection detection, ConnectionRecord record, TimeSpan handshakeTimeout)
    {
        if (tls is null)
        {
            // No tls section: nothing to terminate, every inbound port is plaintext.
            return SecuredStream.Plain(ClientStream.Open(client, detection));
        }
        if (detection.Protocol == DetectedProtocol.MeshTls)
        {
            return await TerminateAsync(client, ClientStream.Open(client, detection), port, tls, record, handshakeTimeout).ConfigureAwait(false);
        }
        return port.Mtls == MtlsMode.Permissive
            ? SecuredStream.Plain(ClientStream.Open(client, detection))
            : SecuredStream.Refused(CloseReason.StrictModePlaintextRefused);
    }

    /// <summary>allow/deny only when the port has a policy and the caller got as far as being judged by it.</summary>
    private static string PolicyLabel(InboundPortSnapshot port, Relay.Tls.MeshTls.MeshHandshakeResult result) =>
        port.Allow is null ? "-"
        : result.Succeeded ? "allow"
        : result.PeerReason == Relay.Tls.MeshTls.PeerRejectReason.IdentityNotAllowed ? "deny"
        : "-";

    private static async Task<SecuredStream> TerminateAsync(
        Socket client, Stream clientStream, InboundPortSnapshot port, MeshTlsRuntime tls, ConnectionRecord record, TimeSpan handshakeTimeout)
    {
        var stream = new SslStream(clientStream, leaveInnerStreamOpen: false);
        using var deadline = new CancellationTokenSource(handshakeTimeout);
        var credentials = tls.Store.Current;
        var result = await tls.Handshaker.AuthenticateAsServerAsync(stream, credentials, port.Allow, deadline.Token).ConfigureAwait(false);
        record.Policy = PolicyLabel(port, result);
        if (await HandshakeConclusion.RecordAsync(stream, result, record).ConfigureAwait(false) is not { } facts)
        {
            return SecuredStream.Refused(HandshakeCloseReasons.For(result, Direction.Inbound));
        }
        if (Relay.Tls.MeshTls.MeshAlpn.IsHttp(stream.NegotiatedApplicationProtocol))
        {
            // relay/h2: no RLY preface. The caller sends the HTTP/2 connection preface only after it
            // verified us, and no request reaches the app before Kestrel has parsed one, so the
            // first request plays the preface's part (MeshPreface explains why one is needed).
            return SecuredStream.MeshHttp(stream, facts, credentials);
        }
        if (Relay.Tls.MeshTls.MeshAlpn.IsFramed(stream.NegotiatedApplicationProtocol))
        {
            // relay/2: the first stream's preface plays relay/1's part; later ones arrive on the channel.
            var channel = new MeshChannel(client, stream, facts) { Credentials = credentials };
            if (await channel.AcceptStreamAsync(deadline.Token).ConfigureAwait(false))
            {
                return SecuredStream.Framed(channel, facts);
            }
            record.TlsDetail = "no_preface";
            await stream.DisposeAsync().ConfigureAwait(false);
            return SecuredStream.Refused(CloseReason.ClientProtocolError);
        }
        if (!await MeshPreface.ReadAsync(stream, deadline.Token).ConfigureAwait(false))
        {
            // The caller rejected us after the handshake (or is not a Relay): never dial the app.
            record.TlsDetail = "no_preface";
            await stream.DisposeAsync().ConfigureAwait(false);
            return SecuredStream.Refused(CloseReason.ClientProtocolError);
        }
        return SecuredStream.Mesh(stream, facts);
    }
}
