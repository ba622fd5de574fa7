namespace Relay.Core.Detect;

/// <summary>
/// Recognises a TLS ClientHello in the first bytes of a connection (read with MSG_PEEK, so nothing
/// is consumed) and pulls out ALPN and SNI. Pure and allocation-light: it never throws on any
/// input and never looks at more than <see cref="MaxClientHelloLength"/> bytes of handshake.
/// </summary>
public static class ClientHelloPeek
{
    /// <summary>
    /// Largest ClientHello we parse: one maximal TLS record (RFC 8446 §5.1, 2^14 bytes). Real hellos,
    /// post-quantum key shares included, are 0.5–2 KiB; a bigger one cannot be a Relay peer.
    /// </summary>
    public const int MaxClientHelloLength = 16 * 1024;

    /// <summary>Enough to peek for any hello we accept: the hello, its 4-byte header, and record headers.</summary>
    public const int MaxPeekBytes = MaxClientHelloLength + 4 + (5 * 8);

    private const int RecordHeaderLength = 5;
    private const int HandshakeHeaderLength = 4;
    private const byte ContentTypeHandshake = 22;
    private const byte HandshakeTypeClientHello = 1;

    public static ClientHelloPeekResult Parse(ReadOnlySpan<byte> data)
    {
        var header = CheckRecordHeader(data);
        if (header is not null)
        {
            return header;
        }
        var firstRecordLength = (data[3] << 8) | data[4];
        var firstFragment = data[RecordHeaderLength..];
        // The handshake header is read in place only when the first record holds all four of its
        // bytes; past a shorter record the next bytes are a record header, not the hello's length
        // (Relay.Fuzz found a 1-byte first record read as a 65 KiB hello: OtherTls whole, NotTls cut).
        if (firstFragment.Length >= HandshakeHeaderLength && firstRecordLength >= HandshakeHeaderLength)
        {
            if (firstFragment[0] != HandshakeTypeClientHello)
            {
                return ClientHelloPeekResult.NotTls;
            }
            var helloLength = (firstFragment[1] << 16) | (firstFragment[2] << 8) | firstFragment[3];
            if (helloLength > MaxClientHelloLength)
            {
                // A TLS client, but far too large to be a Relay peer: "other TLS", nothing to read.
                return ClientHelloPeekResult.Tls([], null);
            }
            if (HandshakeHeaderLength + helloLength <= firstRecordLength)
            {
                // Common case: the whole hello sits in the first record; parse it in place.
                return firstFragment.Length >= HandshakeHeaderLength + helloLength
                    ? ClientHelloParser.Parse(firstFragment.Slice(HandshakeHeaderLength, helloLength))
                    : ClientHelloPeekResult.NeedMore(RecordHeaderLength + HandshakeHeaderLength + helloLength);
            }
        }
        return ClientHelloReassembler.Reassemble(data);
    }

    /// <summary>Checks the first record header; null when it is a complete, plausible handshake header.</summary>
    internal static ClientHelloPeekResult? CheckRecordHeader(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return ClientHelloPeekResult.NeedMore(RecordHeaderLength);
        }
        if (data[0] != ContentTypeHandshake)
        {
            return ClientHelloPeekResult.NotTls;
        }
        // Record version: SSL 3.0 major byte; ClientHellos use minor 0 (SSLv3 compat) to 3 (TLS 1.2).
        if (data.Length >= 2 && data[1] != 3)
        {
            return ClientHelloPeekResult.NotTls;
        }
        if (data.Length >= 3 && data[2] > 4)
        {
            return ClientHelloPeekResult.NotTls;
        }
        if (data.Length < RecordHeaderLength)
        {
            return ClientHelloPeekResult.NeedMore(RecordHeaderLength);
        }
        var recordLength = (data[3] << 8) | data[4];
        // RFC 8446 §5.1: a plaintext record carries 1..2^14 bytes.
        return recordLength is 0 or > MaxClientHelloLength ? ClientHelloPeekResult.NotTls : null;
    }
}
