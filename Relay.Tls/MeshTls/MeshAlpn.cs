using System.Net.Security;

namespace Relay.Tls.MeshTls;

/// <summary>
/// The ALPN tokens that mark a connection as Relay-to-Relay mesh traffic. The inbound listener's
/// ClientHello peek looks for them; they are not IANA-registered, so they cannot collide with
/// h2/http/1.1 spoken by ordinary clients.
/// <list type="bullet">
/// <item><c>relay/1</c>: one app connection per TLS connection, bytes unframed after the preface.</item>
/// <item><c>relay/2</c>: app connections carried one after another over one TLS connection, each
/// framed so its end is visible and the TLS connection can be pooled (docs/tls.md, "Connection reuse").</item>
/// </list>
/// A Relay offers both, newest first; a peer that only knows relay/1 picks it, so versions mix.
/// </summary>
public static class MeshAlpn
{
    public const string Token = "relay/1";

    public const string FramedToken = "relay/2";

    public static readonly SslApplicationProtocol Protocol = new(Token);

    public static readonly SslApplicationProtocol FramedProtocol = new(FramedToken);

    /// <summary>What a Relay offers and accepts, in preference order.</summary>
    public static List<SslApplicationProtocol> Offered => [FramedProtocol, Protocol];

    /// <summary>The relay/1 token's wire bytes, for finding a mesh ClientHello in a capture.</summary>
    public static ReadOnlySpan<byte> TokenBytes => "relay/1"u8;

    public static bool IsMesh(string token) => token is Token or FramedToken;

    public static bool IsMesh(SslApplicationProtocol negotiated) => negotiated == Protocol || negotiated == FramedProtocol;

    public static bool IsFramed(SslApplicationProtocol negotiated) => negotiated == FramedProtocol;
}
