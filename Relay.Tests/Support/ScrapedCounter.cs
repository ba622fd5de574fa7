using System.Globalization;
using System.Text.RegularExpressions;

namespace Relay.Tests.Support;

/// <summary>One counter's value in Prometheus text, by its full series (name and labels as exported).</summary>
internal static class ScrapedCounter
{
    /// <summary>The series' value, or 0 when the scrape does not have it (nothing counted yet).</summary>
    public static long ValueOf(string scrape, string series)
    {
        var match = Regex.Match(scrape, $"^{Regex.Escape(series)} (\\d+)$", RegexOptions.Multiline);
        return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary><c>relay_connections_closed_total</c> for one direction and close reason.</summary>
    public static long Closed(string scrape, string direction, string reason) =>
        ValueOf(scrape, $"relay_connections_closed_total{{direction=\"{direction}\",reason=\"{reason}\"}}");
}
