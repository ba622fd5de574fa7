using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;
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
    // UtcTimestamp, not Timestamp: the Z says UTC, and {Timestamp} is the host's local time (a
    // host on +09:00 logged 09:00:00Z for midnight UTC). JSON's @t was always UTC.
    internal const string TextTemplate = "{UtcTimestamp:yyyy-MM-ddTHH:mm:ss.fffZ} {Level:u3} {Message:l}{NewLine}{Exception}";

    public static ILoggerFactory Create(bool json, LogEventLevel minimum) => Create(json, minimum, Console.OpenStandardOutput()).Factory;

    /// <summary>
    /// The same over any stream; <paramref name="fastLane"/> false sends access lines through
    /// Serilog too (tests compare the two). The provider is returned for its counts.
    /// </summary>
    internal static (ILoggerFactory Factory, AccessLineLoggerProvider? Access) Create(bool json, LogEventLevel minimum, Stream output, bool fastLane = true)
    {
        ITextFormatter formatter = json
            ? new RenderedCompactJsonFormatter()
            : new MessageTemplateTextFormatter(TextTemplate, System.Globalization.CultureInfo.InvariantCulture);
        var stdout = new StdoutBatchSink(formatter, output);
        var background = new BackgroundLogSink(stdout);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(minimum)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            // YARP's forwarder logs two Information lines per request ("Proxying to ...", "Received
            // HTTP/1.1 response 200."), beside Relay's own request line: at relay-http's rps-c64 that
            // was ~1 KiB of log per request (load --profile, 2026-12-01). Its warnings and errors stay.
            .MinimumLevel.Override("Yarp", LogEventLevel.Warning)
            .WriteTo.Sink(background);
        var logger = configuration.CreateLogger();
        var serilog = new SerilogLoggerProvider(logger, dispose: true);
        if (!fastLane)
        {
            return (LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).Services.AddSingleton<ILoggerProvider>(_ => serilog)), null);
        }
        // Access lines skip Serilog's LogEvent (AccessLineLoggerProvider); the rest goes through it.
        var access = new AccessLineLoggerProvider(serilog, background, json);
        // Registered through a factory so that disposing the logger factory disposes the provider
        // (AddProvider's instances are not), which drains the background sink on the way out.
        return (LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).Services.AddSingleton<ILoggerProvider>(_ => access)), access);
    }
}
