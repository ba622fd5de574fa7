using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Relay.Core.Connections;
using Relay.Core.Http;
using Relay.Core.Observability;
using Relay.Core.Vocabulary;
using Relay.Daemon.Logging;
using Serilog.Events;

namespace Relay.Tests.Daemon;

/// <summary>
/// The access lines' fast lane (AccessLineRenderer) writes what Serilog wrote for the same events,
/// character for character apart from the timestamps: every event below goes through the daemon's
/// logging setup twice, with the fast lane and with Serilog alone, text and JSON.
/// </summary>
[Trait("Tier", "Unit")]
public sealed partial class AccessLineRendererTests
{
    private const string Awkward = "q\"uote back\\slash nl\n cr\r tab\t ff\f bs\b nul\u0001 é 日本 {braces}";

    public static TheoryData<bool> Formats => new() { false, true };

    [Theory]
    [MemberData(nameof(Formats))]
    public void RequestAndConnectionLines_AreSerilogsCharacters(bool json)
    {
        var (fast, serilog) = Both(json, logger =>
        {
            using var metrics = new RelayMetrics();
            var requests = new RequestRecorder(logger, metrics);
            requests.Completed(new RequestRecord(Direction.Outbound, "orders", "GET", "orders.mesh:8080", "/a/b", "HTTP/1.1", 200,
                Stopwatch.GetTimestamp(), 12, 3456, "spiffe://mesh.test/ns/a", "rid-1", null, "198.18.0.2:8080"));
            requests.Completed(new RequestRecord(Direction.Inbound, Awkward, "POST", Awkward, Awkward, "HTTP/2", 503,
                Stopwatch.GetTimestamp(), long.MaxValue, 0, null, Awkward, "upstream_connect_failed", "-") { TraceId = "abc", SpanId = "def" });
            var connections = new ConnectionRecorder(logger, metrics);
            var record = new ConnectionRecord(Direction.Outbound, new IPEndPoint(IPAddress.Loopback, 40000), Stopwatch.GetTimestamp())
            {
                Service = "echo",
            };
            connections.Closed(record);
        }, rendered: 3);
        Assert.Equal(serilog, fast);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void ScopesAndActivities_AreWrittenAsSerilogWritesThem(bool json)
    {
        using var source = new ActivitySource("relay-test-access-line");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var (fast, serilog) = Both(json, logger =>
        {
            using (logger.BeginScope(new[] { new KeyValuePair<string, object>("ConnectionId", "42") }))
            using (logger.BeginScope(new[] { new KeyValuePair<string, object>("Depth", 2), new("Stream", "s1") }))
            {
                LogPlain(logger, "a", 1, -2);
            }
            using (source.StartActivity("span"))
            {
                LogPlain(logger, "traced", 0, 0);
            }
        }, rendered: 2);
        Assert.Equal(serilog, fast);
        if (json)
        {
            Assert.Contains("\"ConnectionId\":\"42\",\"Depth\":2,\"Stream\":\"s1\"", fast[0], StringComparison.Ordinal);
            Assert.Contains("\"@tr\":", fast[1], StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void WhatTheFastLaneCannotWriteExactly_StillGoesThroughSerilog(bool json)
    {
        var (fast, serilog) = Both(json, logger =>
        {
            LogDouble(logger, 1.5);
            LogFormatted(logger, 7);
            LogPlainWarning(logger, "w");
            LogWithException(logger, new InvalidOperationException("boom"));
            using (logger.BeginScope("text scope {Name}", "x"))
            {
                LogPlain(logger, "in a text scope", 1, 1);
            }
            using (logger.BeginScope(new[] { new KeyValuePair<string, object>("Name", "from a scope") }))
            {
                LogPlain(logger, "a scope names a property", 1, 1);
            }
        }, rendered: 0);
        Assert.Equal(serilog, fast);
    }

    [Fact]
    public void TextTimestamps_AreUtc_WhateverTheHostsZone()
    {
        // What Serilog's text template writes for an event stamped on a +09:00 host: its Z must mean UTC.
        var at = new DateTimeOffset(2026, 12, 3, 9, 0, 0, 123, TimeSpan.FromHours(9));
        var logEvent = new LogEvent(at, LogEventLevel.Information, null, new Serilog.Parsing.MessageTemplateParser().Parse("hello"), []);
        using var text = new StringWriter();
        new Serilog.Formatting.Display.MessageTemplateTextFormatter(LoggingSetup.TextTemplate, System.Globalization.CultureInfo.InvariantCulture).Format(logEvent, text);
        Assert.Equal("2026-12-03T00:00:00.123Z INF hello\n", text.ToString().ReplaceLineEndings("\n"));

        // The fast lane stamps its own lines: with the host's clock in UTC, not its local time.
        var before = DateTime.UtcNow;
        var output = new MemoryStream();
        var (factory, _) = LoggingSetup.Create(json: false, LogEventLevel.Information, output);
        using (factory)
        {
            LogPlain(factory.CreateLogger(AccessLineLoggerProvider.AccessCategory), "a", 1, 1);
        }
        var line = Encoding.UTF8.GetString(output.ToArray());
        var stamped = DateTime.ParseExact(line[..24], "yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.InRange(stamped, before.AddMilliseconds(-1), DateTime.UtcNow.AddMilliseconds(1));
    }

    /// <summary>
    /// Every line each setup wrote for <paramref name="log"/>, with what differs between two runs
    /// masked: timestamps, durations, and the ids of the activity each run starts.
    /// </summary>
    private static (string[] Fast, string[] Serilog) Both(bool json, Action<ILogger> log, int rendered)
    {
        var (fast, count) = Run(json, fastLane: true, log);
        Assert.Equal(rendered, count);
        return (fast, Run(json, fastLane: false, log).Lines);
    }

    private static (string[] Lines, long Rendered) Run(bool json, bool fastLane, Action<ILogger> log)
    {
        var output = new MemoryStream();
        var (factory, access) = LoggingSetup.Create(json, LogEventLevel.Information, output, fastLane);
        using (factory)
        {
            log(factory.CreateLogger(AccessLineLoggerProvider.AccessCategory));
        }
        var rendered = access?.Rendered ?? 0;
        var text = Encoding.UTF8.GetString(output.ToArray());
        return ([.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(MaskTimestamps)], rendered);
    }

    private static string MaskTimestamps(string line) =>
        RunSpecific().Replace(line, m => m.Groups["keep"].Value + "<masked>");

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z|(?<keep>duration_ms=|""DurationMs"":|""@tr"":""|""@sp"":"")[0-9a-f]+")]
    private static partial Regex RunSpecific();

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "plain name={Name} count={Count} delta={Delta}")]
    private static partial void LogPlain(ILogger logger, string name, int count, long delta);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "warning name={Name}")]
    private static partial void LogPlainWarning(ILogger logger, string name);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "double value={Value}")]
    private static partial void LogDouble(ILogger logger, double value);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "formatted value={Value:000}")]
    private static partial void LogFormatted(ILogger logger, int value);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "failed")]
    private static partial void LogWithException(ILogger logger, Exception exception);
}
