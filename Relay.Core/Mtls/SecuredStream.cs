using Relay.Core.Vocabulary;

namespace Relay.Core.Mtls;

/// <summary>
/// The stream a connection side continues on after the security stage: the socket's own
/// stream (plaintext) or a TLS stream over it, or the reason the connection must close.
/// </summary>
internal readonly record struct SecuredStream(Stream? Stream, TlsFacts? Tls, CloseReason Failure)
{
    public static SecuredStream Plain(Stream stream) => new(stream, null, CloseReason.Completed);

    public static SecuredStream Mesh(Stream stream, TlsFacts tls) => new(stream, tls, CloseReason.Completed);

    public static SecuredStream Refused(CloseReason reason) => new(null, null, reason);
}
