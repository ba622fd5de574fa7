using System.CommandLine;
using Relay.Daemon.Hosting;

namespace Relay.Daemon.Commands;

/// <summary><c>relay validate FILE</c>: exit 0 when valid, 2 with every error otherwise.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "mesh.yaml to check" };
        var command = new Command("validate", "Check a mesh.yaml and print every error with file:line:column and key") { file };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var snapshot = ConfigFiles.LoadOrReport(path, Console.Error);
            if (snapshot is null)
            {
                return ExitCodes.InvalidInput;
            }
            Console.WriteLine($"{path}: valid (revision {snapshot.Revision}, {snapshot.Services.Length} services, {snapshot.Inbound.Length} inbound ports)");
            return ExitCodes.Ok;
        });
        return command;
    }
}
