using System.Globalization;
using System.Net;
using System.Text;

namespace Relay.Bench.Load;

/// <summary>
/// A grouped bar chart of each proxy's throughput as a fraction of direct, one group per workload,
/// written as plain SVG (no packages, renders in any browser or on GitHub).
/// </summary>
internal static class SvgChart
{
    private const int Width = 960;
    private const int Left = 70;
    private const int Top = 40;
    private const int PlotHeight = 300;
    // Room for the axis labels and three legend rows of four targets.
    private const int Bottom = 120;

    private const int LegendColumns = 4;
    private const double MaxRatio = 1.2;

    // Relay targets in blues, HAProxy in oranges (the catalog lists four of each): same path, same shade.
    private static readonly string[] Colors = ["#1f77b4", "#6baed6", "#08519c", "#9ecae1", "#ff7f0e", "#fdae6b", "#a63603", "#fdd0a2"];

    public static string Render(IReadOnlyList<TargetResult> results)
    {
        var direct = results.FirstOrDefault(r => r.Name == Ratios.Direct);
        var proxies = results.Where(r => r.Name != Ratios.Direct).ToList();
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Top + PlotHeight + Bottom}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"20\" font-size=\"15\">Throughput as a fraction of direct (no proxy); higher is better</text>\n");
        Axes(svg);
        // Only the workloads some target ran (an L7-only run has no bulk group).
        var workloads = Workload.All.Where(w => results.Any(r => r.Workloads.ContainsKey(w.Name))).ToList();
        var groupWidth = (Width - Left - 20) / (double)Math.Max(1, workloads.Count);
        var barWidth = (groupWidth - 20) / Math.Max(1, proxies.Count);
        for (var g = 0; g < workloads.Count; g++)
        {
            var w = workloads[g];
            var x0 = Left + (g * groupWidth) + 10;
            for (var p = 0; p < proxies.Count; p++)
            {
                var ratio = Ratios.Of(MarkdownReport.Figure(proxies[p], w.Name), MarkdownReport.Figure(direct, w.Name)) ?? 0;
                var h = Math.Min(ratio, MaxRatio) / MaxRatio * PlotHeight;
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x0 + (p * barWidth):F1}\" y=\"{Top + PlotHeight - h:F1}\" width=\"{barWidth - 2:F1}\" height=\"{h:F1}\" fill=\"{Colors[p % Colors.Length]}\"><title>{Esc(proxies[p].Name)} {w.Name}: {ratio:F2}×</title></rect>\n");
            }
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + ((groupWidth - 20) / 2):F1}\" y=\"{Top + PlotHeight + 18}\" text-anchor=\"middle\">{Esc(w.Name)}</text>\n");
        }
        Legend(svg, proxies);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Axes(StringBuilder svg)
    {
        for (var tick = 0.0; tick <= MaxRatio + 1e-9; tick += 0.2)
        {
            var y = Top + PlotHeight - (tick / MaxRatio * PlotHeight);
            var style = Math.Abs(tick - 1.0) < 1e-9 ? "stroke=\"#000\" stroke-dasharray=\"4 3\"" : "stroke=\"#ddd\"";
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - 10}\" y1=\"{y:F1}\" y2=\"{y:F1}\" {style}/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 8}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{tick:F1}×</text>\n");
        }
    }

    private static void Legend(StringBuilder svg, List<TargetResult> proxies)
    {
        for (var p = 0; p < proxies.Count; p++)
        {
            var x = Left + (p % LegendColumns * 170);
            var y = Top + PlotHeight + 45 + (p / LegendColumns * 18);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y - 10}\" width=\"12\" height=\"12\" fill=\"{Colors[p % Colors.Length]}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 18}\" y=\"{y}\">{Esc(proxies[p].Name)}</text>\n");
        }
    }

    private static string Esc(string text) => WebUtility.HtmlEncode(text);
}
