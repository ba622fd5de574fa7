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

    /// <summary>
    /// <c>auto</c> carries whatever is not HTTP as TCP (Linkerd's detection fallback: the port's
    /// protocol is unknown, so a server-first or opaque protocol must still work). A port declared
    /// <c>http</c>, <c>http2</c> or <c>grpc</c> promises HTTP, so bytes that are not (garbage, a
    /// request line past Kestrel's 8 KiB, the app's own TLS, silence) go to Kestrel's HTTP/1.1
    /// parser, which answers 400/414/408 and closes: as Envoy's HTTP connection manager does on a
    /// port Istio knows is HTTP, and so that a malformed request never reaches the app as raw bytes.
    /// </summary>
    public static ProxyProtocol Decide(AppProtocol configured, Detection detection) => configured switch
    {
        AppProtocol.Tcp => ProxyProtocol.Tcp,
        // h2c prior knowledge on an http port is still HTTP; gRPC is HTTP/2.
        AppProtocol.Http or AppProtocol.Http2 or AppProtocol.Grpc => detection.Protocol switch
        {
            DetectedProtocol.Http2 => ProxyProtocol.Http2,
            _ => ProxyProtocol.Http1,
        },
        AppProtocol.Auto => detection.Protocol switch
        {
            DetectedProtocol.Http1 => ProxyProtocol.Http1,
            DetectedProtocol.Http2 => ProxyProtocol.Http2,
            // TLS the app speaks itself, opaque bytes, a server-first protocol: carried as TCP.
            _ => ProxyProtocol.Tcp,
        },
        _ => ProxyProtocol.Tcp,
    };
}
