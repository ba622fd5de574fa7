using Relay.Core.Vocabulary;

namespace Relay.Core.Mtls;

/// <summary>
/// The stream a connection side continues on after the security stage: the socket's own
/// stream (plaintext) or a TLS stream over it, or the reason the connection must close.
/// A relay/2 connection also names its <see cref="Channel"/>, so later stages read which kind
/// of mesh connection they hold instead of testing the stream's type; a relay/h2 connection says
/// so with <see cref="MeshHttp2"/> (HTTP/2 from a peer Relay, for the L7 path).
/// </summary>
internal readonly record struct SecuredStream(Stream? Stream, TlsFacts? Tls, CloseReason Failure, MeshChannel? Channel = null, bool MeshHttp2 = false,
    Relay.Tls.Certificates.MeshCredentials? Credentials = null)
{
    public static SecuredStream Plain(Stream stream) => new(stream, null, CloseReason.Completed);

    public static SecuredStream Mesh(Stream stream, TlsFacts tls) => new(stream, tls, CloseReason.Completed);

    /// <summary>relay/2: one mesh connection carrying app connections one after another.</summary>
    public static SecuredStream Framed(MeshChannel channel, TlsFacts tls) => new(channel, tls, CloseReason.Completed, channel);

    /// <summary>relay/h2: HTTP/2 from a peer Relay, many requests on one connection.</summary>
    /// <param name="credentials">This side's material at the handshake, for re-judging the caller per request (MeshChannelPolicy).</param>
    public static SecuredStream MeshHttp(Stream stream, TlsFacts tls, Relay.Tls.Certificates.MeshCredentials credentials) =>
        new(stream, tls, CloseReason.Completed, MeshHttp2: true, Credentials: credentials);

    public static SecuredStream Refused(CloseReason reason) => new(null, null, reason);
}
