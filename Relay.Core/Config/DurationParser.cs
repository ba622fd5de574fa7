using System.Globalization;

namespace Relay.Core.Config;

/// <summary>Durations in mesh.yaml: a positive integer and one unit, ms, s, m or h (500ms, 2s, 5m, 1h).</summary>
internal static class DurationParser
{
    // Timeouts end up in Task.Delay / CancellationTokenSource.CancelAfter, which throw above
    // int.MaxValue milliseconds (about 24.8 days); rejecting such values here keeps that a config error.
    public static readonly TimeSpan Max = TimeSpan.FromMilliseconds(int.MaxValue);

    private static readonly (string Unit, long Milliseconds)[] Units =
    [
        ("ms", 1),
        ("s", 1_000),
        ("m", 60_000),
        ("h", 3_600_000),
    ];

    public static bool TryParse(string text, out TimeSpan duration, out string? error)
    {
        duration = default;
        error = $"'{text}' is not a duration (a positive integer and a unit: ms, s, m or h, e.g. 500ms, 2s, 5m, 1h)";
        var digits = text.AsSpan().IndexOfAnyExceptInRange('0', '9');
        if (digits <= 0)
        {
            return false;
        }
        var unit = text[digits..];
        var factor = Array.Find(Units, u => u.Unit == unit).Milliseconds;
        if (factor == 0 || !long.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return false;
        }
        if (count == 0)
        {
            error = $"duration '{text}' must be greater than zero";
            return false;
        }
        if (count > Max.Ticks / TimeSpan.TicksPerMillisecond / factor)
        {
            error = $"duration '{text}' is too long (at most {(long)Max.TotalHours}h: the runtime's timer limit)";
            return false;
        }
        duration = TimeSpan.FromMilliseconds(count * factor);
        error = null;
        return true;
    }
}
