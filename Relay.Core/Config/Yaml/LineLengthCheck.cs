namespace Relay.Core.Config.Yaml;

/// <summary>
/// One vectorised pass over the text before YamlDotNet sees it. Its scanner reads a plain
/// scalar at ~0.4 µs a character (a 3 MiB one-line value took 1.6 s to reject in `relay
/// validate`), so a line longer than any value can be is refused here, in milliseconds.
/// </summary>
internal static class LineLengthCheck
{
    /// <summary>A value of <see cref="ConfigLimits.MaxScalarChars"/> plus its key and indentation fits in twice that.</summary>
    public const int MaxLineChars = 2 * ConfigLimits.MaxScalarChars;

    /// <summary>The 1-based line of the first line longer than <see cref="MaxLineChars"/>, or 0.</summary>
    public static int FirstTooLong(ReadOnlySpan<char> text)
    {
        for (var line = 1; ; line++)
        {
            var end = text.IndexOfAny('\n', '\r');
            var length = end < 0 ? text.Length : end;
            if (length > MaxLineChars)
            {
                return line;
            }
            if (end < 0)
            {
                return 0;
            }
            // "\r\n" counts as one break; a lone "\r" is a break too (YAML 1.2 §5.4).
            var next = text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? end + 2 : end + 1;
            text = text[next..];
        }
    }
}
