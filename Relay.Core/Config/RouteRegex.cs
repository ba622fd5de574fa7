using System.Text.RegularExpressions;

namespace Relay.Core.Config;

/// <summary>
/// The regexes routes match paths, headers and query values with. RegexOptions.NonBacktracking
/// runs in time linear in the input whatever the pattern (the guarantee RE2 gives Envoy's
/// safe_regex), so no pattern can be a ReDoS; the whole value must match (Envoy's full-match
/// semantics). Patterns the engine cannot run that way (backreferences, lookarounds) are
/// config errors, reported at load.
/// </summary>
public static class RouteRegex
{
    /// <summary>
    /// Envoy bounds RE2's compiled program size (re2.max_program_size, default 100 instructions);
    /// .NET exposes no program size, so the pattern's length stands in: 512 characters is far
    /// beyond a route's regex (Envoy's docs' examples are under 40) and keeps the automaton small.
    /// </summary>
    public const int MaxPatternChars = 512;

    /// <summary>Counted repetitions unroll into the automaton: {1000} of {1000} would be a million states.</summary>
    public const int MaxRepetition = 100;

    private static readonly Regex Counted = new(@"\{(\d+)(,(\d*))?\}", RegexOptions.CultureInvariant);

    public static bool TryCompile(string pattern, out Regex regex, out string? error)
    {
        regex = null!;
        error = null;
        if (pattern.Length > MaxPatternChars)
        {
            error = $"regex is {pattern.Length} characters; at most {MaxPatternChars}";
            return false;
        }
        foreach (Match m in Counted.Matches(pattern))
        {
            if (Bound(m.Groups[1].Value) > MaxRepetition || (m.Groups[3].Success && Bound(m.Groups[3].Value) > MaxRepetition))
            {
                error = $"regex repetition {m.Value} exceeds {{{MaxRepetition}}}";
                return false;
            }
        }
        try
        {
            regex = new Regex($"^(?:{pattern})$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            error = $"regex '{pattern}' is invalid or needs backtracking (backreferences, lookarounds): {ex.Message}";
            return false;
        }
    }

    private static long Bound(string digits) => digits.Length == 0 ? 0 : digits.Length > 6 ? long.MaxValue : long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
}
