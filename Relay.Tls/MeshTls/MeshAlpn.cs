using System.Net.Security;

namespace Relay.Tls.MeshTls;

/// <summary>
/// The ALPN token that marks a connection as Relay-to-Relay mesh traffic. The inbound listener's
/// ClientHello peek looks for it; the version suffix lets a future wire change negotiate. It is
/// not an IANA-registered token, so it cannot collide with h2/http/1.1 spoken by ordinary clients.
/// </summary>
public static class MeshAlpn
{
    public const string Token = "relay/1";

    public static readonly SslApplicationProtocol Protocol = new(Token);

    /// <summary>The token's wire bytes, for comparing against a peeked ALPN list without allocating.</summary>
    public static ReadOnlySpan<byte> TokenBytes => "relay/1"u8;
}
