using System.CommandLine;
using System.Globalization;
using Relay.Core.Config;
using Relay.Core.Lifecycle;
using Relay.Daemon.Hosting;

namespace Relay.Daemon.Commands;

/// <summary>
/// <c>relay config status|history|rollback</c>: what the daemon runs, what it ran, and going back.
/// Reads the daemon's state directory (state.json, history/) and validates the config file itself.
/// Exit codes: status 0 in sync, 1 drift or daemon state unknown, 2 file invalid;
/// rollback 0 running, 1 not applied, 2 nothing to roll back to;
/// diff (as diff(1) and <c>git diff --exit-code</c>) 0 no changes, 1 changes, 2 a side invalid.
/// </summary>
internal static class ConfigCommand
{
    /// <summary>The watcher reloads within ~1.25 s (debounce + poll); 10 s absorbs a loaded host.</summary>
    private static readonly TimeSpan RollbackWait = TimeSpan.FromSeconds(10);

    public static Command Create()
    {
        var command = new Command("config", "Show the running config revision, its history, what a candidate file would change, or roll back to an earlier one.");
        command.Subcommands.Add(Status());
        command.Subcommands.Add(History());
        command.Subcommands.Add(Rollback());
        command.Subcommands.Add(ConfigDiffCommand.Create(ConfigOption()));
        return command;
    }

    private static Option<string> ConfigOption() =>
        new("--config") { Description = "mesh.yaml path", DefaultValueFactory = _ => ConfigFiles.DefaultPath };

    private static Command Status()
    {
        var (config, stateDir) = (ConfigOption(), RunCommand.StateDirOption());
        var command = new Command("status", "Running revision, when applied, drift of the file on disk, last reload result.") { config, stateDir };
        command.SetAction(pr =>
        {
            var status = ConfigStatus.Read(pr.GetValue(config)!, pr.GetValue(stateDir)!);
            ConfigStatusText.Write(pr.InvocationConfiguration.Output, status);
            return status.Drift switch
            {
                DriftState.InSync => ExitCodes.Ok,
                DriftState.Invalid => ExitCodes.InvalidInput,
                _ => ExitCodes.Failure,
            };
        });
        return command;
    }

    private static Command History()
    {
        var stateDir = RunCommand.StateDirOption();
        var command = new Command("history", "List the applied configs kept under the state directory, newest first.") { stateDir };
        command.SetAction(pr =>
        {
            var directory = pr.GetValue(stateDir)!;
            var running = LifecycleState.Read(directory)?.RunningRevision;
            var output = pr.InvocationConfiguration.Output;
            output.WriteLine("REVISION      APPLIED (UTC)         SHA-256");
            foreach (var entry in new ConfigHistory(directory, ReloadOptions.DefaultHistoryLimit).List())
            {
                var mark = entry.Revision == running ? "  (running)" : "";
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{entry.Revision}  {entry.AppliedAt:yyyy-MM-ddTHH:mm:ssZ}  {entry.Sha256}{mark}"));
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Rollback()
    {
        var (config, stateDir) = (ConfigOption(), RunCommand.StateDirOption());
        var revision = new Argument<string?>("revision") { Description = "Revision (or a prefix of 4+ characters); default: the newest applied one other than the running one", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("rollback", "Write an earlier applied config back to the config path and wait until the daemon runs it.") { config, stateDir, revision };
        command.SetAction(async (pr, cancellationToken) =>
        {
            var directory = pr.GetValue(stateDir)!;
            var history = new ConfigHistory(directory, ReloadOptions.DefaultHistoryLimit);
            var (entry, error) = ConfigRollback.Choose(history, LifecycleState.Read(directory), pr.GetValue(revision));
            if (entry is null)
            {
                pr.InvocationConfiguration.Error.WriteLine($"relay config rollback: {error}");
                return ExitCodes.InvalidInput;
            }
            var result = await ConfigRollback.RunAsync(pr.GetValue(config)!, directory, entry, RollbackWait, cancellationToken).ConfigureAwait(false);
            var writer = result.Succeeded ? pr.InvocationConfiguration.Output : pr.InvocationConfiguration.Error;
            foreach (var message in result.Messages)
            {
                writer.WriteLine($"relay config rollback: {message}");
            }
            return result.Succeeded ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }
}
