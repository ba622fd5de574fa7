using System.CommandLine;
using Relay.Core.Config;
using Relay.Core.Config.Diff;
using Relay.Core.Lifecycle;

namespace Relay.Daemon.Commands;

/// <summary>
/// <c>relay config diff FILE</c>: what FILE would change against the config the daemon runs (its
/// applied history under --state-dir), or against --config when nothing was ever applied. FILE is
/// loaded by the daemon's own loader and validator. Exit codes follow diff(1) and
/// <c>git diff --exit-code</c>: 0 no changes, 1 changes, 2 FILE (or the baseline) invalid.
/// </summary>
internal static class ConfigDiffCommand
{
    public const int Differences = 1;

    public static Command Create(Option<string> config)
    {
        var stateDir = RunCommand.StateDirOption();
        var file = new Argument<string>("file") { Description = "Candidate mesh.yaml" };
        var json = new Option<bool>("--json") { Description = "Print the changes as JSON" };
        var command = new Command("diff", "What a candidate mesh.yaml would change against the running (or last applied) config; exit 0 none, 1 changes, 2 invalid.") { file, config, stateDir, json };
        command.SetAction(pr =>
        {
            var output = pr.InvocationConfiguration.Output;
            var error = pr.InvocationConfiguration.Error;
            var path = pr.GetValue(file)!;
            var candidate = ConfigLoader.LoadFile(path);
            if (!candidate.IsValid)
            {
                foreach (var e in candidate.Errors)
                {
                    error.WriteLine(e.ToString());
                }
                error.WriteLine($"relay config diff: {path}: {candidate.Errors.Count} error(s); not compared");
                return ExitCodes.InvalidInput;
            }
            var baseline = DiffBaseline.Find(pr.GetValue(config)!, pr.GetValue(stateDir)!);
            if (baseline.Snapshot is null)
            {
                foreach (var message in baseline.Errors)
                {
                    error.WriteLine($"relay config diff: {message}");
                }
                return ExitCodes.InvalidInput;
            }
            var report = new ConfigDiffReport(path, candidate.Snapshot!.Revision, baseline.Description, baseline.Snapshot.Revision, ConfigDiff.Compare(baseline.Snapshot, candidate.Snapshot));
            if (pr.GetValue(json))
            {
                output.WriteLine(ConfigDiffJson.Serialize(report));
            }
            else
            {
                ConfigDiffText.Write(output, report);
            }
            return report.Changes.IsEmpty ? ExitCodes.Ok : Differences;
        });
        return command;
    }
}
