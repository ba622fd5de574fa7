namespace Relay.Core.Vocabulary;

/// <summary>The protocol decision: which path carries a connection after the detect stage.</summary>
public enum ProxyProtocol
{
    /// <summary>Opaque bytes, copied both ways (Proxy/Tcp).</summary>
    Tcp,

    /// <summary>HTTP/1.x requests.</summary>
    Http1,

    /// <summary>HTTP/2 (h2c prior knowledge, or h2 between Relays).</summary>
    Http2,
}

public static class ProxyProtocolNames
{
    public static string Label(this ProxyProtocol protocol) => protocol switch
    {
        ProxyProtocol.Http1 => "http1",
        ProxyProtocol.Http2 => "http2",
        _ => "tcp",
    };
}
