using System.Text.Json;

namespace Relay.Tests.Observability;

/// <summary>The panel queries of observability/grafana/relay.json, with Grafana's variables expanded as Grafana would for "All".</summary>
internal static class GrafanaBoard
{
    public static List<(string Panel, string Expr)> Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return [.. doc.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()
                .Select(t => (p.GetProperty("title").GetString()!, t.GetProperty("expr").GetString()!)))];
    }

    /// <summary>$service as its "All" value (.*), $__rate_interval as the given range.</summary>
    public static string Expand(string expr, string rateInterval)
    {
        var expanded = expr.Replace("$__rate_interval", rateInterval, StringComparison.Ordinal).Replace("$service", ".*", StringComparison.Ordinal);
        Assert.DoesNotContain("$", expanded);
        return expanded;
    }
}
