using System.Security.Cryptography;

namespace Relay.Core.Http;

/// <summary>
/// Generated <c>x-request-id</c> values: random (version 4) UUIDs, as Envoy's. <see cref="Guid.NewGuid"/>
/// costs a read(2) of /dev/urandom per call in the shipped build (one per request under
/// <c>perf</c>, 2% of relay-http's CPU at 64 connections, docs/performance.md); like Envoy's
/// <c>RandomGeneratorImpl::uuid</c>, each thread takes <see cref="Prefetch"/> bytes of
/// cryptographic randomness at once and cuts UUIDs from them, so a request id is a few copies.
/// </summary>
internal static class RequestIds
{
    /// <summary>Envoy's uuid() prefetch (2,048 bytes: 128 UUIDs per refill).</summary>
    private const int Prefetch = 2048;

    private const int UuidBytes = 16;

    [ThreadStatic]
    private static byte[]? t_buffer;

    [ThreadStatic]
    private static int t_used;

    public static string Next()
    {
        var buffer = t_buffer ??= new byte[Prefetch];
        if (t_used == 0 || t_used + UuidBytes > Prefetch)
        {
            RandomNumberGenerator.Fill(buffer);
            t_used = 0;
        }
        Span<byte> bytes = stackalloc byte[UuidBytes];
        buffer.AsSpan(t_used, UuidBytes).CopyTo(bytes);
        t_used += UuidBytes;
        // RFC 9562 §5.4: version 4 in the high nibble of time_hi (byte 7 in Guid's little-endian
        // layout), variant 10xx in the top bits of clock_seq (byte 8).
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }
}
