using System.CommandLine;
using Relay.Daemon.Commands;

var root = new RootCommand("Relay: a transparent L4 service-mesh proxy for Linux hosts")
{
    RunCommand.Create(),
    ValidateCommand.Create(),
    VersionCommand.Create(),
    IptablesCommand.Create(ConfigFiles.Load),
    CaCommand.Create(),
    ConfigCommand.Create(),
};
// The daemon handles SIGTERM itself (drain up to limits.drain_timeout); System.CommandLine's
// own handler would cancel and then end the process after its short termination timeout.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
