using System.Net.Security;
using System.Security.Authentication;
using Relay.Tls.Identity;

namespace Relay.Core.Vocabulary;

/// <summary>What the access log records about a mesh TLS session.</summary>
/// <remarks><see cref="Alpn"/> is the token the handshake settled on, not what was offered: a ClientHello
/// offers relay/2 and relay/1, and only the negotiated one says which framing the bytes use.</remarks>
internal sealed record TlsFacts(string Version, string Cipher, SpiffeId Peer, string Alpn)
{
    public static TlsFacts Of(SslStream stream, SpiffeId peer) =>
        new(VersionLabel(stream.SslProtocol), stream.NegotiatedCipherSuite.ToString(), peer, AlpnLabel(stream.NegotiatedApplicationProtocol));

    private static string AlpnLabel(SslApplicationProtocol negotiated) => negotiated.Protocol.IsEmpty ? "-" : negotiated.ToString();

    private static string VersionLabel(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
        _ => protocol.ToString(),
    };
}
