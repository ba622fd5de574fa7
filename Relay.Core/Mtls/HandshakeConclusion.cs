using System.Net.Security;
using Relay.Core.Vocabulary;
using Relay.Tls.MeshTls;

namespace Relay.Core.Mtls;

/// <summary>What both directions do with a finished mesh handshake: record it, and on failure close the stream.</summary>
internal static class HandshakeConclusion
{
    // Upper bound on an outbound mesh handshake: a peer that stalls mid-handshake holds a local
    // app's connection for at most this long (Kestrel's HandshakeTimeout). Inbound callers, not yet
    // authenticated, get limits.inbound_handshake_timeout (3 s) instead (issue 17 §2).
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
