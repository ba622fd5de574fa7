using Relay.Core.Config;
using Relay.Core.Vocabulary;

namespace Relay.Core.Detect;

/// <summary>
/// The explicit protocol decision: what mesh.yaml says the port or service speaks, together with
/// what the detect stage saw, picks the path (docs/detection.md has the table).
/// </summary>
public static class ProtocolDecision
{
    /// <summary>Whether the configured protocol needs the first bytes at all; <c>tcp</c> never waits.</summary>
    public static bool NeedsDetection(AppProtocol configured) => configured != AppProtocol.Tcp;

    public static ProxyProtocol Decide(AppProtocol configured, Detection detection) => configured switch
    {
        AppProtocol.Tcp => ProxyProtocol.Tcp,
        // h2c prior knowledge on an http port is still HTTP; gRPC is HTTP/2.
        AppProtocol.Http or AppProtocol.Http2 or AppProtocol.Grpc or AppProtocol.Auto => detection.Protocol switch
        {
            DetectedProtocol.Http1 => ProxyProtocol.Http1,
            DetectedProtocol.Http2 => ProxyProtocol.Http2,
            // TLS the app speaks itself, opaque bytes, a server-first protocol: carried as TCP.
            _ => ProxyProtocol.Tcp,
        },
        _ => ProxyProtocol.Tcp,
    };
}
