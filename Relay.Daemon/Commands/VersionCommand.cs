using System.CommandLine;
using Relay.Daemon.Hosting;

namespace Relay.Daemon.Commands;

/// <summary><c>relay version</c>.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the version");
        command.SetAction(_ =>
        {
            Console.WriteLine($"relay {DaemonVersion.Value} (.NET {Environment.Version})");
            return ExitCodes.Ok;
        });
        return command;
    }
}
