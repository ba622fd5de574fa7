namespace Relay.Core.Config;

/// <summary>
/// What mesh.yaml says a port or service speaks (<c>protocol:</c>); the detect stage turns it and
/// the first bytes into the protocol decision (tcp | http1 | http2). docs/configuration.md has the table.
/// </summary>
public enum AppProtocol
{
    /// <summary>Opaque bytes: no detection, no wait. The default.</summary>
    Tcp,

    /// <summary>HTTP/1.1, or h2c with prior knowledge (told apart by the first bytes).</summary>
    Http,

    /// <summary>HTTP/2 with prior knowledge (h2c).</summary>
    Http2,

    /// <summary>gRPC: HTTP/2 with trailers.</summary>
    Grpc,

    /// <summary>Detect from the first bytes; nothing within the detect timeout (server-first) is TCP.</summary>
    Auto,
}
