using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace Relay.Daemon.Logging;

/// <summary>
/// Serilog to stdout (journald stores it under the unit). <see cref="BackgroundLogSink"/> keeps a
/// slow terminal or journald from stalling connection handlers that write access-log events;
/// behind it, <see cref="StdoutBatchSink"/> writes a burst of lines with one write(2).
/// </summary>
internal static class LoggingSetup
{
    // ":l" renders every value as its plain text, as the console sink's ":lj" did; core Serilog's
    // ":j" would quote enums and other non-primitive values ("Rejected"), changing the lines
    // operators and tests match on. Relay logs no collections, the only thing ":j" formats.
    private const string TextTemplate = "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffZ} {Level:u3} {Message:l}{NewLine}{Exception}";

    public static ILoggerFactory Create(bool json, LogEventLevel minimum)
    {
        ITextFormatter formatter = json
            ? new RenderedCompactJsonFormatter()
            : new MessageTemplateTextFormatter(TextTemplate, System.Globalization.CultureInfo.InvariantCulture);
        var stdout = new StdoutBatchSink(formatter, Console.OpenStandardOutput());
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(minimum)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            // YARP's forwarder logs two Information lines per request ("Proxying to ...", "Received
            // HTTP/1.1 response 200."), beside Relay's own request line: at relay-http's rps-c64 that
            // was ~1 KiB of log per request (load --profile, 2026-12-01). Its warnings and errors stay.
            .MinimumLevel.Override("Yarp", LogEventLevel.Warning)
            .WriteTo.Sink(new BackgroundLogSink(stdout));
        var logger = configuration.CreateLogger();
        return LoggerFactory.Create(builder => builder.AddSerilog(logger, dispose: true).SetMinimumLevel(LogLevel.Trace));
    }
}
