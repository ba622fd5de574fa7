using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Sinks.SystemConsole.Themes;

namespace Relay.Daemon.Logging;

/// <summary>
/// Serilog to stdout (journald stores it under the unit). The async wrapper keeps a slow
/// terminal or journald from stalling connection handlers that write access-log events.
/// </summary>
internal static class LoggingSetup
{
    private const string TextTemplate = "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffZ} {Level:u3} {Message:lj}{NewLine}{Exception}";

    public static ILoggerFactory Create(bool json, LogEventLevel minimum)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(minimum)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .WriteTo.Async(sink =>
            {
                if (json)
                {
                    sink.Console(new RenderedCompactJsonFormatter());
                }
                else
                {
                    sink.Console(outputTemplate: TextTemplate, theme: ConsoleTheme.None, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                }
            });
        var logger = configuration.CreateLogger();
        return LoggerFactory.Create(builder => builder.AddSerilog(logger, dispose: true).SetMinimumLevel(LogLevel.Trace));
    }
}
