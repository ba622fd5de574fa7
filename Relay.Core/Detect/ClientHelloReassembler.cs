namespace Relay.Core.Detect;

/// <summary>
/// The rare path: a ClientHello split over several handshake records (RFC 8446 §5.1 allows
/// fragmenting handshake messages). Copies the fragments into one bounded buffer and parses it.
/// </summary>
internal static class ClientHelloReassembler
{
    private const int RecordHeaderLength = 5;
    private const int HandshakeHeaderLength = 4;

    public static ClientHelloPeekResult Reassemble(ReadOnlySpan<byte> data)
    {
        var collected = new byte[ClientHelloPeek.MaxClientHelloLength + HandshakeHeaderLength];
        var filled = 0;
        var offset = 0;
        var needed = -1;
        while (needed < 0 || filled < needed)
        {
            var header = ClientHelloPeek.CheckRecordHeader(data[offset..]);
            if (header is not null)
            {
                return header.Status == ClientHelloPeekStatus.NeedMoreData
                    ? ClientHelloPeekResult.NeedMore(offset + RecordHeaderLength + Math.Max(1, needed - filled))
                    : header;
            }
            var recordLength = (data[offset + 3] << 8) | data[offset + 4];
            var available = Math.Min(recordLength, data.Length - offset - RecordHeaderLength);
            var take = Math.Min(available, collected.Length - filled);
            data.Slice(offset + RecordHeaderLength, take).CopyTo(collected.AsSpan(filled));
            filled += take;
            if (needed < 0 && filled >= HandshakeHeaderLength)
            {
                if (collected[0] != 1)
                {
                    return ClientHelloPeekResult.NotTls;
                }
                needed = HandshakeHeaderLength + ((collected[1] << 16) | (collected[2] << 8) | collected[3]);
                if (needed > collected.Length)
                {
                    return ClientHelloPeekResult.Tls([], null);
                }
            }
            if (available < recordLength && (needed < 0 || filled < needed))
            {
                return ClientHelloPeekResult.NeedMore(offset + RecordHeaderLength + recordLength);
            }
            offset += RecordHeaderLength + recordLength;
        }
        return ClientHelloParser.Parse(collected.AsSpan(HandshakeHeaderLength, needed - HandshakeHeaderLength));
    }
}
