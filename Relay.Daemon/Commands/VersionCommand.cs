using System.CommandLine;
using System.Reflection;

namespace Relay.Daemon.Commands;

/// <summary><c>relay version</c>.</summary>
internal static class VersionCommand
{
    public static string Version { get; } =
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static Command Create()
    {
        var command = new Command("version", "Print the version");
        command.SetAction(_ =>
        {
            Console.WriteLine($"relay {Version} (.NET {Environment.Version})");
            return ExitCodes.Ok;
        });
        return command;
    }
}
