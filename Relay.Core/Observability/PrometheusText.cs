using System.Globalization;
using System.Text;

namespace Relay.Core.Observability;

/// <summary>
/// Prometheus text exposition format 0.0.4 details: name sanitising, escaping and numbers.
/// https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Replaces characters outside [a-zA-Z0-9_:] with '_' and prefixes a leading digit.</summary>
    public static string SanitizeMetricName(string name) => Sanitize(name, allowColon: true);

    /// <summary>Label names may not contain ':' (e.g. OpenTelemetry's "tls.version" → tls_version).</summary>
    public static string SanitizeLabelName(string name) => Sanitize(name, allowColon: false);

    /// <summary>HELP text escapes only backslash and newline.</summary>
    public static string EscapeHelp(string text) => text.Replace("\\", "\\\\").Replace("\n", "\\n");

    /// <summary>Label values escape backslash, double quote and newline.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    /// <summary>Renders sorted tags as <c>a="x",b="y"</c>; a repeated name keeps its first value.</summary>
    public static string RenderLabels(KeyValuePair<string, object?>[] sortedTags)
    {
        var builder = new StringBuilder();
        string? previous = null;
        foreach (var tag in sortedTags)
        {
            var name = SanitizeLabelName(tag.Key);
            if (name == previous)
            {
                continue;
            }
            previous = name;
            if (builder.Length > 0)
            {
                builder.Append(',');
            }
            builder.Append(name).Append("=\"").Append(EscapeLabelValue(ValueText(tag.Value))).Append('"');
        }
        return builder.ToString();
    }

    public static StringBuilder AppendDouble(this StringBuilder builder, double value) => builder.Append(FormatDouble(value));

    public static string FormatDouble(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        // "R" round-trips exactly; Prometheus parses Go float syntax, which accepts "1E-05".
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string ValueText(object? value) => value switch
    {
        null => "",
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Sanitize(string name, bool allowColon)
    {
        if (name.Length == 0)
        {
            return "_";
        }
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            var valid = char.IsAsciiLetter(c) || c == '_' || (allowColon && c == ':') || char.IsAsciiDigit(c);
            if (!valid)
            {
                chars[i] = '_';
            }
        }
        // Names may not start with a digit; prefixing keeps "3xx" readable as "_3xx".
        return char.IsAsciiDigit(chars[0]) ? "_" + new string(chars) : new string(chars);
    }
}
