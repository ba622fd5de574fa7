using System.CommandLine;
using Relay.Daemon.Commands;

var root = new RootCommand("Relay: a transparent L4 service-mesh proxy for Linux hosts")
{
    RunCommand.Create(),
    ValidateCommand.Create(),
    VersionCommand.Create(),
    IptablesCommand.Create(ConfigFiles.Load),
};
return await root.Parse(args).InvokeAsync();
