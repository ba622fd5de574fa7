namespace Relay.Core.Detect;

/// <summary>What a connection speaks, judged from its first bytes (the detection table in docs/detection.md).</summary>
public enum DetectedProtocol
{
    /// <summary>Not enough bytes yet: peek again (bounded by the byte budget and the detect timeout).</summary>
    NeedMore,

    /// <summary>A TLS ClientHello offering a relay ALPN token: terminate mesh mTLS.</summary>
    MeshTls,

    /// <summary>TLS, but not from a Relay (the app's own TLS): opaque to Relay.</summary>
    OtherTls,

    /// <summary>An HTTP/1.x request line (<c>METHOD SP target SP HTTP/1.d CRLF</c>).</summary>
    Http1,

    /// <summary>The HTTP/2 connection preface (RFC 9113 §3.4): h2c with prior knowledge.</summary>
    Http2,

    /// <summary>Anything else, or nothing: opaque TCP.</summary>
    Unknown,
}
