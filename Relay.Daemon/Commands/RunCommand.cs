using System.CommandLine;
using Relay.Core.Lifecycle;
using Relay.Daemon.Hosting;
using Serilog.Events;

namespace Relay.Daemon.Commands;

/// <summary><c>relay run --config FILE [--state-dir DIR] [--history-limit N] [--capture-rules follow|off]</c>: the daemon.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "mesh.yaml path", DefaultValueFactory = _ => ConfigFiles.DefaultPath };
        var json = new Option<bool>("--log-json") { Description = "Write logs as compact JSON instead of text" };
        var level = new Option<LogEventLevel>("--log-level") { Description = "Minimum log level", DefaultValueFactory = _ => LogEventLevel.Information };
        var stateDir = StateDirOption();
        var historyLimit = new Option<int>("--history-limit")
        {
            Description = "How many applied configs to keep under the state directory",
            DefaultValueFactory = _ => ReloadOptions.DefaultHistoryLimit,
        };
        historyLimit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--history-limit must be at least 1");
            }
        });
        var capture = new Option<CaptureRulesMode>("--capture-rules")
        {
            Description = "follow: re-apply iptables capture rules when a reload changes them (needs CAP_NET_ADMIN); off: never touch iptables",
            DefaultValueFactory = _ => CaptureRulesMode.Follow,
        };
        var command = new Command("run", "Run the proxy in the foreground (systemd runs this)") { config, json, level, stateDir, historyLimit, capture };
        command.SetAction((parse, cancellationToken) =>
        {
            var reload = new ReloadOptions
            {
                StateDirectory = parse.GetValue(stateDir)!,
                HistoryLimit = parse.GetValue(historyLimit),
                FollowCaptureRules = parse.GetValue(capture) == CaptureRulesMode.Follow,
            };
            return DaemonHost.RunAsync(parse.GetValue(config)!, parse.GetValue(json), parse.GetValue(level), reload, cancellationToken);
        });
        return command;
    }

    internal static Option<string> StateDirOption() => new("--state-dir")
    {
        Description = "Where reload state and config history live",
        DefaultValueFactory = _ => ReloadOptions.DefaultStateDirectory,
    };

    internal enum CaptureRulesMode
    {
        Follow,
        Off,
    }
}
