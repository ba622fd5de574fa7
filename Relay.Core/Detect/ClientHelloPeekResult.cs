using System.Collections.Immutable;

namespace Relay.Core.Detect;

public enum ClientHelloPeekStatus
{
    /// <summary>The bytes so far are a valid prefix of a TLS ClientHello; peek again with more.</summary>
    NeedMoreData,

    /// <summary>Not a TLS ClientHello (or one too broken for any TLS server to accept).</summary>
    NotTls,

    /// <summary>A complete ClientHello; ALPN and SNI are filled in.</summary>
    Tls,
}

/// <summary>What the first bytes of a connection say about TLS.</summary>
/// <param name="BytesNeeded">With NeedMoreData: the total byte count to peek next, when the headers already tell.</param>
/// <param name="Alpn">The ALPN protocols offered, in the client's order (empty when none).</param>
/// <param name="Sni">The first host_name of the server_name extension, if any.</param>
public sealed record ClientHelloPeekResult(ClientHelloPeekStatus Status, int BytesNeeded, ImmutableArray<string> Alpn, string? Sni)
{
    public static ClientHelloPeekResult NotTls { get; } = new(ClientHelloPeekStatus.NotTls, 0, [], null);

    public static ClientHelloPeekResult NeedMore(int bytesNeeded) => new(ClientHelloPeekStatus.NeedMoreData, bytesNeeded, [], null);

    public static ClientHelloPeekResult Tls(ImmutableArray<string> alpn, string? sni) => new(ClientHelloPeekStatus.Tls, 0, alpn, sni);
}
