using System.CommandLine;
using Relay.Daemon.Hosting;

namespace Relay.Daemon.Commands;

/// <summary><c>relay validate FILE</c>: exit 0 when valid, 2 with every error otherwise.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "mesh.yaml to check" };
        var unit = new Option<string>("--unit")
        {
            Description = "systemd unit whose LimitNOFILE must hold limits.max_connections (checked when the file exists)",
            DefaultValueFactory = _ => DefaultUnit,
        };
        var command = new Command("validate", "Check a mesh.yaml and print every error with file:line:column and key") { file, unit };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var snapshot = ConfigFiles.LoadOrReport(path, Console.Error);
            if (snapshot is null)
            {
                return ExitCodes.InvalidInput;
            }
            WarnAboutDescriptors(snapshot, parse.GetValue(unit)!);
            Console.WriteLine($"{path}: valid (revision {snapshot.Revision}, {snapshot.Services.Length} services, {snapshot.Inbound.Length} inbound ports)");
            return ExitCodes.Ok;
        });
        return command;
    }

    private const string DefaultUnit = "/etc/systemd/system/relay.service";

    /// <summary>A warning, not an error: the file is valid, the host's limit is what is short (exit code stays 0).</summary>
    private static void WarnAboutDescriptors(Relay.Core.Config.ConfigSnapshot snapshot, string unitPath)
    {
        if (!File.Exists(unitPath) || Relay.Core.Config.DescriptorBudget.UnitLimit(File.ReadLines(unitPath)) is not { } limit)
        {
            return;
        }
        if (Relay.Core.Config.DescriptorBudget.Check(snapshot.Limits, limit, $"{unitPath} LimitNOFILE") is { } warning)
        {
            Console.Error.WriteLine(warning);
        }
    }
}
