using System.CommandLine;
using Relay.Daemon.Commands;
using Relay.Daemon.Hosting;

// Run socket completions on the epoll thread instead of hopping to the thread pool: every copy
// step is a short non-blocking read-then-write, so the hop was pure overhead (rps at 64
// connections 0.69x -> 1.12x HAProxy, Relay.Bench load; docs/performance.md). Read once when
// the first socket is created, so it must be set before anything touches the network.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

var root = new RootCommand("Relay: a transparent L4/L7 service-mesh proxy for Linux hosts")
{
    RunCommand.Create(),
    ValidateCommand.Create(),
    VersionCommand.Create(),
    IptablesCommand.Create(ConfigFiles.Load),
    CaCommand.Create(),
    ConfigCommand.Create(),
    StatCommand.CreateStat(),
    StatCommand.CreateTop(),
};
// The daemon handles SIGTERM itself (drain up to limits.drain_timeout); System.CommandLine's
// own handler would cancel and then end the process after its short termination timeout.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
