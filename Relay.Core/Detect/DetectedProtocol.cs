namespace Relay.Core.Detect;

/// <summary>What an inbound connection speaks, judged from its first bytes.</summary>
public enum DetectedProtocol
{
    /// <summary>Not enough bytes yet: peek again (bounded by a detection timeout the caller owns).</summary>
    NeedMore,

    /// <summary>A TLS ClientHello offering the relay ALPN token: terminate mesh mTLS.</summary>
    MeshTls,

    /// <summary>TLS, but not from a Relay (the app's own TLS): non-mesh traffic.</summary>
    OtherTls,

    /// <summary>Anything else: non-mesh plaintext.</summary>
    Plaintext,
}
