namespace Relay.Core.Detect;

/// <summary>
/// A bounds-checked big-endian reader over TLS wire bytes: every read answers false instead of
/// throwing when the data runs out, so malformed input can only ever yield "not TLS".
/// </summary>
internal ref struct TlsWireReader(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> rest = data;

    public readonly bool IsEmpty => rest.IsEmpty;

    public bool TryReadU8(out int value)
    {
        value = 0;
        if (rest.Length < 1)
        {
            return false;
        }
        value = rest[0];
        rest = rest[1..];
        return true;
    }

    public bool TryReadU16(out int value)
    {
        value = 0;
        if (rest.Length < 2)
        {
            return false;
        }
        value = (rest[0] << 8) | rest[1];
        rest = rest[2..];
        return true;
    }

    public bool TryReadU24(out int value)
    {
        value = 0;
        if (rest.Length < 3)
        {
            return false;
        }
        value = (rest[0] << 16) | (rest[1] << 8) | rest[2];
        rest = rest[3..];
        return true;
    }

    public bool TryReadBytes(int count, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (count < 0 || rest.Length < count)
        {
            return false;
        }
        bytes = rest[..count];
        rest = rest[count..];
        return true;
    }

    /// <summary>Reads a vector with a 1-byte length prefix.</summary>
    public bool TryReadVector8(out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        return TryReadU8(out var length) && TryReadBytes(length, out bytes);
    }

    /// <summary>Reads a vector with a 2-byte length prefix.</summary>
    public bool TryReadVector16(out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        return TryReadU16(out var length) && TryReadBytes(length, out bytes);
    }
}
