using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>One sample of Prometheus text: metric name, labels and value.</summary>
internal sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A parsed GET /metrics from a host's admin listener. Sums over every series whose labels include the
/// given ones, so a test names only the labels it cares about (a metric that does not exist sums to 0).
/// </summary>
internal sealed partial class MetricsScrape
{
    /// <summary>Bound on a scrape: Relay's metrics page is a few KB.</summary>
    private const int MaxResponseBytes = 4 * 1024 * 1024;

    private static readonly TimeSpan ScrapeTimeout = TimeSpan.FromSeconds(5);

    private MetricsScrape(string text, IReadOnlyList<MetricSample> samples)
    {
        Text = text;
        Samples = samples;
    }

    public string Text { get; }

    public IReadOnlyList<MetricSample> Samples { get; }

    public static async Task<MetricsScrape> GetAsync(NetnsHost host)
    {
        using var cts = new CancellationTokenSource(ScrapeTimeout);
        using var socket = host.CreateSocket(AddressFamily.InterNetwork);
        await socket.ConnectAsync(AdminClient.AdminEndpoint, cts.Token);
        // HTTP/1.0: the server closes after the body, with no chunked encoding to undo.
        await socket.SendAsync("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray(), SocketFlags.None, cts.Token);
        var response = Encoding.UTF8.GetString(await TcpExchange.ReadToEndAsync(socket, MaxResponseBytes, cts.Token));
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        // Kestrel answers an HTTP/1.0 request with an "HTTP/1.1 200 OK" status line.
        Assert.True(response.StartsWith("HTTP/1.", StringComparison.Ordinal) && response[8..].StartsWith(" 200", StringComparison.Ordinal) && split > 0,
            $"GET /metrics on {host.Label} failed:\n{response}");
        var body = response[(split + 4)..];
        return new MetricsScrape(body, Parse(body));
    }

    /// <summary>Polls until <paramref name="condition"/> holds or the timeout passes; returns the last scrape.</summary>
    public static async Task<MetricsScrape> WaitForAsync(NetnsHost host, Func<MetricsScrape, bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var scrape = await GetAsync(host);
            if (condition(scrape) || watch.Elapsed >= timeout)
            {
                return scrape;
            }
            // 250 ms: a fraction of Relay's 200 ms debounce + 5 s poll; cheap for the admin server.
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    public double Sum(string name, params (string Label, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value))
            .Sum(s => s.Value);

    /// <summary>Like <see cref="Sum"/> but for series whose <paramref name="label"/> is anything except <paramref name="excluded"/>.</summary>
    public double SumExcept(string name, string label, string excluded) =>
        Samples.Where(s => s.Name == name && s.Labels.TryGetValue(label, out var v) && v != excluded).Sum(s => s.Value);

    public override string ToString() => Text;

    private static List<MetricSample> Parse(string body)
    {
        var samples = new List<MetricSample>();
        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = SampleLine().Match(line);
            if (line.StartsWith('#') || !match.Success)
            {
                continue;
            }
            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups["key"].Value, m => Unescape(m.Groups["value"].Value), StringComparer.Ordinal);
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var text => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            samples.Add(new MetricSample(match.Groups["name"].Value, labels, value));
        }
        return samples;
    }

    /// <summary>Label values escape backslash, double quote and newline (exposition format 0.0.4).</summary>
    private static string Unescape(string value) =>
        value.Replace("\\\\", "\u0000").Replace("\\\"", "\"").Replace("\\n", "\n").Replace('\u0000', '\\');

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
