namespace Relay.Core.Observability;

/// <summary>
/// A UTC time as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, the text log's stamp (LoggingSetup.TextTemplate),
/// written digit by digit: <c>DateTime.TryFormat</c> with that custom format string runs
/// DateTimeFormat's general pattern parser on every access line.
/// </summary>
internal static class UtcStamp
{
    public const int Length = 24;

    /// <summary>Writes <paramref name="utc"/> into the first <see cref="Length"/> characters of <paramref name="into"/>.</summary>
    public static void Write(Span<char> into, DateTime utc)
    {
        var span = into[..Length];
        // One date decomposition and integer arithmetic on the time of day: each of DateTime's
        // Year/Month/Day/Hour/... properties decomposes the ticks again.
        utc.Deconstruct(out int year, out int month, out int day);
        var millisOfDay = (int)(utc.Ticks % TimeSpan.TicksPerDay / TimeSpan.TicksPerMillisecond);
        Digits(span[..4], year);
        span[4] = '-';
        Digits(span.Slice(5, 2), month);
        span[7] = '-';
        Digits(span.Slice(8, 2), day);
        span[10] = 'T';
        Digits(span.Slice(11, 2), millisOfDay / 3_600_000);
        span[13] = ':';
        Digits(span.Slice(14, 2), millisOfDay / 60_000 % 60);
        span[16] = ':';
        Digits(span.Slice(17, 2), millisOfDay / 1000 % 60);
        span[19] = '.';
        Digits(span.Slice(20, 3), millisOfDay % 1000);
        span[23] = 'Z';
    }

    private static void Digits(Span<char> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }
}
