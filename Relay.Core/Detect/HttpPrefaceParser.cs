namespace Relay.Core.Detect;

/// <summary>
/// Recognises the start of a cleartext HTTP connection: the HTTP/2 preface (RFC 9113 §3.4) or an
/// HTTP/1.x request line (RFC 9112 §3: <c>token SP request-target SP "HTTP/1." DIGIT CRLF</c>).
/// Only recognition: Kestrel parses (and limits) the request itself. Never throws; every byte
/// is looked at once, so the cost is linear in the peeked bytes and bounded by the budget.
/// </summary>
public static class HttpPrefaceParser
{
    /// <summary>
    /// Longest request line detection waits for: Kestrel's default MaxRequestLineSize (8 KiB), past
    /// which Kestrel answers 414 anyway. A longer line on an <c>auto</c> port is forwarded as TCP.
    /// </summary>
    public const int MaxRequestLine = 8 * 1024;

    private static ReadOnlySpan<byte> Http2Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    private static ReadOnlySpan<byte> VersionPrefix => "HTTP/1."u8;

    public static DetectedProtocol Parse(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return DetectedProtocol.NeedMore;
        }
        var preface = Http2Preface;
        var common = Math.Min(data.Length, preface.Length);
        if (data[..common].SequenceEqual(preface[..common]))
        {
            return common == preface.Length ? DetectedProtocol.Http2 : DetectedProtocol.NeedMore;
        }
        return RequestLine(data);
    }

    private static DetectedProtocol RequestLine(ReadOnlySpan<byte> data)
    {
        var method = 0;
        while (method < data.Length && IsTokenChar(data[method]))
        {
            method++;
        }
        if (method == data.Length)
        {
            return Pending(data);
        }
        if (method == 0 || data[method] != (byte)' ')
        {
            return DetectedProtocol.Unknown;
        }
        var target = method + 1;
        var targetEnd = target;
        while (targetEnd < data.Length && data[targetEnd] > 0x20 && data[targetEnd] != 0x7F)
        {
            targetEnd++;
        }
        if (targetEnd == data.Length)
        {
            return Pending(data);
        }
        if (targetEnd == target || data[targetEnd] != (byte)' ')
        {
            return DetectedProtocol.Unknown;
        }
        return Version(data[(targetEnd + 1)..], data.Length, targetEnd + 1);
    }

    /// <summary>"HTTP/1." DIGIT CRLF, possibly cut short by the end of the peeked bytes.</summary>
    /// <param name="versionStart">Where the version begins: a whole line longer than the limit is
    /// <see cref="DetectedProtocol.Unknown"/> as its prefixes at the limit are, so the decision does
    /// not depend on how the client's writes were split into segments (found by Relay.Fuzz).</param>
    private static DetectedProtocol Version(ReadOnlySpan<byte> rest, int seen, int versionStart)
    {
        ReadOnlySpan<byte> expected = [.. VersionPrefix, (byte)'0', (byte)'\r', (byte)'\n'];
        for (var i = 0; i < expected.Length; i++)
        {
            if (i == rest.Length)
            {
                return seen >= MaxRequestLine ? DetectedProtocol.Unknown : DetectedProtocol.NeedMore;
            }
            var ok = i == VersionPrefix.Length ? char.IsAsciiDigit((char)rest[i]) : rest[i] == expected[i];
            if (!ok)
            {
                return DetectedProtocol.Unknown;
            }
        }
        return versionStart + expected.Length > MaxRequestLine ? DetectedProtocol.Unknown : DetectedProtocol.Http1;
    }

    private static DetectedProtocol Pending(ReadOnlySpan<byte> data) =>
        data.Length >= MaxRequestLine ? DetectedProtocol.Unknown : DetectedProtocol.NeedMore;

    /// <summary>RFC 9110 §5.6.2 tchar: any method token, standard or extension (PROPFIND, PURGE).</summary>
    private static bool IsTokenChar(byte b) =>
        char.IsAsciiLetterOrDigit((char)b) || "!#$%&'*+-.^_`|~"u8.Contains(b);
}
