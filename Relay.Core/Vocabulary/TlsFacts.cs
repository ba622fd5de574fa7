using System.Net.Security;
using System.Security.Authentication;
using Relay.Tls.Identity;

namespace Relay.Core.Vocabulary;

/// <summary>What the access log records about a mesh TLS session.</summary>
internal sealed record TlsFacts(string Version, string Cipher, SpiffeId Peer)
{
    public static TlsFacts Of(SslStream stream, SpiffeId peer) => new(VersionLabel(stream.SslProtocol), stream.NegotiatedCipherSuite.ToString(), peer);

    private static string VersionLabel(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
        _ => protocol.ToString(),
    };
}
