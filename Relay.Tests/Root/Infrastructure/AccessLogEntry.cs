using System.Globalization;
using System.Text.RegularExpressions;
using Relay.Core.Vocabulary;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// One parsed access-log line: <c>access direction=.. client=.. dst=.. service=.. endpoint=.. up=.. down=..
/// duration_ms=.. reason=..</c>. Values may be quoted by the log renderer; quotes are stripped.
/// </summary>
internal sealed partial record AccessLogEntry(string Raw, IReadOnlyDictionary<string, string> Fields)
{
    public string Direction => Field("direction");

    public string Client => Field("client");

    public string Dst => Field("dst");

    public string Service => Field("service");

    public string Endpoint => Field("endpoint");

    public string Reason => Field("reason");

    public long Up => long.Parse(Field("up"), CultureInfo.InvariantCulture);

    public long Down => long.Parse(Field("down"), CultureInfo.InvariantCulture);

    public string Field(string key) =>
        Fields.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no {key}= in access line: {Raw}");

    /// <summary>True for lines that carry the access marker and a direction field.</summary>
    public static bool IsAccessLine(string line) =>
        line.Contains("access", StringComparison.Ordinal) && line.Contains("direction=", StringComparison.Ordinal);

    public static AccessLogEntry Parse(string line)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match match in KeyValue().Matches(line))
        {
            fields[match.Groups["key"].Value] = match.Groups["value"].Value.Trim('"');
        }
        return new AccessLogEntry(line, fields);
    }

    public override string ToString() => Raw;

    [GeneratedRegex(@"(?<key>[a-z_]+)=(?<value>""[^""]*""|\S+)")]
    private static partial Regex KeyValue();
}
