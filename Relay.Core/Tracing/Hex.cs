namespace Relay.Core.Tracing;

/// <summary>Lower-case hex checks for trace and span ids (W3C and B3 both require lower case).</summary>
internal static class Hex
{
    public static bool IsLower(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'f'))
            {
                return false;
            }
        }
        return text.Length > 0;
    }

    /// <summary>All zeros is the "invalid" id in both W3C and B3.</summary>
    public static bool IsZero(ReadOnlySpan<char> text) => !text.ContainsAnyExcept('0');
}
