using System.Net;
using System.Net.Sockets;

namespace Relay.Core.Connections;

/// <summary>
/// What the per-source limit counts by: an IPv4 address, or an IPv6 /64. One host is usually
/// given a whole /64 (RFC 6177), so counting IPv6 by address would let one attacker spread
/// across 2^64 sources; an IPv4-mapped IPv6 address counts as its IPv4 address.
/// </summary>
internal readonly record struct SourceKey(UInt128 Value)
{
    // IPv4 keys live above every IPv6 /64 key (those keep the low 64 bits zero), so the two never collide.
    private static readonly UInt128 V4Tag = UInt128.MaxValue << 32;

    public static SourceKey? Of(EndPoint? remote)
    {
        if (remote is not IPEndPoint { Address: var address })
        {
            return null;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return new SourceKey(V4Tag | System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes));
        }
        address.TryWriteBytes(bytes, out _);
        var prefix = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
        return new SourceKey((UInt128)prefix << 64);
    }
}
