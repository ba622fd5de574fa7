using System.Net.Security;
using Relay.Core.Vocabulary;
using Relay.Tls.MeshTls;

namespace Relay.Core.Mtls;

/// <summary>What both directions do with a finished mesh handshake: record it, and on failure close the stream.</summary>
internal static class HandshakeConclusion
{
    // Upper bound on a mesh handshake in either direction: a peer that stalls mid-handshake holds
    // a connection slot for at most this long (Envoy's transport_socket_connect_timeout is of the same order).
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <returns>The TLS facts (also recorded), or null after recording the failure and disposing the stream.</returns>
    public static async Task<TlsFacts?> RecordAsync(SslStream stream, MeshHandshakeResult result, ConnectionRecord record)
    {
        if (!result.Succeeded)
        {
            record.TlsDetail = result.ReasonLabel;
            await stream.DisposeAsync().ConfigureAwait(false);
            return null;
        }
        record.Tls = TlsFacts.Of(stream, result.PeerId!);
        record.MeshStream = 1;
        return record.Tls;
    }
}
