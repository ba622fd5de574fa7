using System.CommandLine;
using Relay.Daemon.Hosting;
using Serilog.Events;

namespace Relay.Daemon.Commands;

/// <summary><c>relay run --config FILE</c>: the daemon.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "mesh.yaml path", DefaultValueFactory = _ => ConfigFiles.DefaultPath };
        var json = new Option<bool>("--log-json") { Description = "Write logs as compact JSON instead of text" };
        var level = new Option<LogEventLevel>("--log-level") { Description = "Minimum log level", DefaultValueFactory = _ => LogEventLevel.Information };
        var command = new Command("run", "Run the proxy in the foreground (systemd runs this)") { config, json, level };
        command.SetAction((parse, cancellationToken) =>
            DaemonHost.RunAsync(parse.GetValue(config)!, parse.GetValue(json), parse.GetValue(level), cancellationToken));
        return command;
    }
}
