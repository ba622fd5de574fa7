using System.Collections.Immutable;
using System.Text;

namespace Relay.Core.Detect;

/// <summary>Parses a complete ClientHello body (after the 4-byte handshake header) for ALPN and SNI.</summary>
internal static class ClientHelloParser
{
    private const int ExtensionServerName = 0;
    private const int ExtensionAlpn = 16;
    private const int RandomLength = 32;
    private const int MaxSessionIdLength = 32;
    private const int HostNameType = 0;

    public static ClientHelloPeekResult Parse(ReadOnlySpan<byte> body)
    {
        var reader = new TlsWireReader(body);
        if (!reader.TryReadU16(out var version) || version >> 8 != 3
            || !reader.TryReadBytes(RandomLength, out _)
            || !reader.TryReadVector8(out var sessionId) || sessionId.Length > MaxSessionIdLength
            || !reader.TryReadVector16(out var cipherSuites) || cipherSuites.IsEmpty || cipherSuites.Length % 2 != 0
            || !reader.TryReadVector8(out var compression) || compression.IsEmpty)
        {
            return ClientHelloPeekResult.NotTls;
        }
        if (reader.IsEmpty)
        {
            // Extensions are optional before TLS 1.3; a hello without them offers no ALPN/SNI.
            return ClientHelloPeekResult.Tls([], null);
        }
        if (!reader.TryReadVector16(out var extensions) || !reader.IsEmpty)
        {
            return ClientHelloPeekResult.NotTls;
        }
        return ParseExtensions(extensions);
    }

    private static ClientHelloPeekResult ParseExtensions(ReadOnlySpan<byte> extensions)
    {
        var reader = new TlsWireReader(extensions);
        var alpn = ImmutableArray<string>.Empty;
        string? sni = null;
        while (!reader.IsEmpty)
        {
            if (!reader.TryReadU16(out var type) || !reader.TryReadVector16(out var payload))
            {
                return ClientHelloPeekResult.NotTls;
            }
            var ok = type switch
            {
                ExtensionAlpn => TryParseAlpn(payload, out alpn),
                ExtensionServerName => TryParseServerName(payload, out sni),
                _ => true,
            };
            if (!ok)
            {
                return ClientHelloPeekResult.NotTls;
            }
        }
        return ClientHelloPeekResult.Tls(alpn, sni);
    }

    // RFC 7301 §3.1: ProtocolNameList of non-empty 8-bit-length names, itself 16-bit-length prefixed.
    private static bool TryParseAlpn(ReadOnlySpan<byte> payload, out ImmutableArray<string> alpn)
    {
        alpn = [];
        var outer = new TlsWireReader(payload);
        if (!outer.TryReadVector16(out var list) || !outer.IsEmpty || list.IsEmpty)
        {
            return false;
        }
        var builder = ImmutableArray.CreateBuilder<string>();
        var reader = new TlsWireReader(list);
        while (!reader.IsEmpty)
        {
            if (!reader.TryReadVector8(out var name) || name.IsEmpty)
            {
                return false;
            }
            // Latin1 maps every byte to a char: no decoding failure is possible.
            builder.Add(Encoding.Latin1.GetString(name));
        }
        alpn = builder.ToImmutable();
        return true;
    }

    // RFC 6066 §3: ServerNameList; we keep the first host_name entry.
    private static bool TryParseServerName(ReadOnlySpan<byte> payload, out string? sni)
    {
        sni = null;
        var outer = new TlsWireReader(payload);
        if (!outer.TryReadVector16(out var list) || !outer.IsEmpty)
        {
            return false;
        }
        var reader = new TlsWireReader(list);
        while (!reader.IsEmpty)
        {
            if (!reader.TryReadU8(out var nameType) || !reader.TryReadVector16(out var name))
            {
                return false;
            }
            if (nameType == HostNameType && sni is null && !name.IsEmpty)
            {
                sni = Encoding.Latin1.GetString(name);
            }
        }
        return true;
    }
}
