using Relay.Tls.MeshTls;

namespace Relay.Core.Detect;

/// <summary>
/// Classifies a connection from its peeked first bytes. Only a ClientHello that offers
/// a <see cref="MeshAlpn"/> token is mesh traffic; the SNI is not consulted because Relay's
/// client sets it from the endpoint, not from anything identity-bearing.
/// </summary>
public static class ProtocolDetector
{
    public static DetectedProtocol Detect(ReadOnlySpan<byte> peeked) => Detect(peeked, out _);

    /// <param name="hello">The parse result, for callers that log SNI/ALPN or need BytesNeeded.</param>
    public static DetectedProtocol Detect(ReadOnlySpan<byte> peeked, out ClientHelloPeekResult hello)
    {
        hello = ClientHelloPeek.Parse(peeked);
        return hello.Status switch
        {
            ClientHelloPeekStatus.NeedMoreData => DetectedProtocol.NeedMore,
            ClientHelloPeekStatus.NotTls => DetectedProtocol.Plaintext,
            _ => hello.Alpn.Any(MeshAlpn.IsMesh) ? DetectedProtocol.MeshTls : DetectedProtocol.OtherTls,
        };
    }
}
