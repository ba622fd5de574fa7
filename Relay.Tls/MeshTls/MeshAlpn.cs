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
/// <item><c>relay/h2</c>: HTTP/2 between Relays (docs/http.md, "Between Relays"): many requests of
/// one service multiplexed on one pooled connection, whatever HTTP version the apps speak.</item>
/// </list>
/// For an app's TCP connection a Relay offers relay/2 and relay/1, newest first; a peer that only
/// knows relay/1 picks it, so versions mix. For HTTP it offers relay/h2 alone: the caller has
/// already parsed requests and can only send them as HTTP/2. A server accepts all three.
/// </summary>
public static class MeshAlpn
{
    public const string Token = "relay/1";

    public const string FramedToken = "relay/2";

    public const string HttpToken = "relay/h2";

    public static readonly SslApplicationProtocol Protocol = new(Token);

    public static readonly SslApplicationProtocol FramedProtocol = new(FramedToken);

    public static readonly SslApplicationProtocol HttpProtocol = new(HttpToken);

    /// <summary>What a Relay offers for an app's TCP connection, in preference order.</summary>
    public static List<SslApplicationProtocol> Offered => [FramedProtocol, Protocol];

    /// <summary>What a Relay accepts as a server: every mesh token.</summary>
    public static List<SslApplicationProtocol> Accepted => [FramedProtocol, Protocol, HttpProtocol];

    /// <summary>What a Relay offers for HTTP/2 to a peer Relay.</summary>
    public static List<SslApplicationProtocol> OfferedForHttp => [HttpProtocol];

    /// <summary>The relay/1 token's wire bytes, for finding a mesh ClientHello in a capture.</summary>
    public static ReadOnlySpan<byte> TokenBytes => "relay/1"u8;

    public static bool IsMesh(string token) => token is Token or FramedToken or HttpToken;

    public static bool IsMesh(SslApplicationProtocol negotiated) => negotiated == Protocol || negotiated == FramedProtocol || negotiated == HttpProtocol;

    public static bool IsHttp(SslApplicationProtocol negotiated) => negotiated == HttpProtocol;

    public static bool IsFramed(SslApplicationProtocol negotiated) => negotiated == FramedProtocol;
}
