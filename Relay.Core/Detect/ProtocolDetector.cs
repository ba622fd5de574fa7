using Relay.Tls.MeshTls;

namespace Relay.Core.Detect;

/// <summary>
/// Classifies a connection from its peeked first bytes: TLS first (a record header byte 0x16 is
/// never a method character), then cleartext HTTP. Only a ClientHello that offers a
/// <see cref="MeshAlpn"/> token is mesh traffic; the SNI is not consulted because Relay's
/// client sets it from the endpoint, not from anything identity-bearing.
/// </summary>
public static class ProtocolDetector
{
    /// <summary>
    /// The byte budget: the most detection ever peeks. A maximal ClientHello (16 KiB plus headers)
    /// is the larger of the two things recognised; an 8 KiB request line fits well inside.
    /// </summary>
    public const int ByteBudget = ClientHelloPeek.MaxPeekBytes;

    public static DetectedProtocol Detect(ReadOnlySpan<byte> peeked) => Detect(peeked, out _);

    /// <param name="hello">The ClientHello parse result, for callers that log SNI/ALPN or need BytesNeeded.</param>
    public static DetectedProtocol Detect(ReadOnlySpan<byte> peeked, out ClientHelloPeekResult hello)
    {
        hello = ClientHelloPeek.Parse(peeked);
        return hello.Status switch
        {
            ClientHelloPeekStatus.NeedMoreData => DetectedProtocol.NeedMore,
            ClientHelloPeekStatus.NotTls => HttpPrefaceParser.Parse(peeked),
            _ => hello.Alpn.Any(MeshAlpn.IsMesh) ? DetectedProtocol.MeshTls : DetectedProtocol.OtherTls,
        };
    }

    /// <summary>What "still undecided" means once the budget is spent: a TLS hello too large for a Relay, or opaque bytes.</summary>
    public static DetectedProtocol AtBudget(ReadOnlySpan<byte> peeked) =>
        ClientHelloPeek.CheckRecordHeader(peeked) is null ? DetectedProtocol.OtherTls : DetectedProtocol.Unknown;
}
