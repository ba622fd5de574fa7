using System.Net.Security;
using System.Net.Sockets;
using Relay.Core.Mtls;
using Relay.Core.Net;
using Relay.Core.Vocabulary;

namespace Relay.Core.Http;

/// <summary>
/// The TLS half of a connection to a peer Relay for HTTP (<see cref="MeshHttpHandshake"/>, with
/// the invoker's credentials and identities). SocketsHttpHandler then speaks HTTP/2 with prior
/// knowledge over the returned stream; its connection preface is the first byte the server sees
/// after the handshake, and it is sent only after the server was verified there (the part
/// MeshPreface plays for relay/1 and relay/2).
/// </summary>
internal static class MeshHttpConnector
{
    public static Task<(SslStream? Stream, CloseReason Failure)> SecureAsync(Socket socket, NetEndpoint endpoint, InvokerSpec spec) =>
        MeshHttpHandshake.SecureAsync(socket, endpoint, spec.Tls!, spec.Credentials!, spec.Identities);
}
