namespace Relay.Core.Iptables;

/// <summary>
/// Runs iptables, iptables-restore and iptables-save (or the ip6tables ones) for one family.
/// <paramref name="commandPrefix"/> is prepended to every command, e.g. <c>ip netns exec NS</c>
/// so tests can apply the real rules inside a throwaway network namespace.
/// </summary>
internal sealed class IptablesRunner(IReadOnlyList<string> commandPrefix)
{
    /// <summary>
    /// <c>-w</c> waits for the xtables lock instead of failing when another tool (Docker, firewalld)
    /// holds it; 10 s is far above any real rule update and still bounds a stuck holder.
    /// </summary>
    public const string LockWaitSeconds = "10";

    /// <summary>A restore of a few dozen rules takes milliseconds; 30 s covers lock wait plus a loaded host.</summary>
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    public static IptablesRunner Host { get; } = new([]);

    public IReadOnlyList<string> CommandPrefix { get; } = commandPrefix;

    public CommandResult Restore(IpFamily family, string text) =>
        Run(family.Restore(), ["-w", LockWaitSeconds, "--noflush"], text);

    public CommandResult Save(IpFamily family) => Run(family.Save(), [], null);

    public CommandResult Iptables(IpFamily family, IReadOnlyList<string> args) => Run(family.Iptables(), args, null);

    private CommandResult Run(string tool, IReadOnlyList<string> args, string? stdin)
    {
        if (CommandPrefix.Count == 0)
        {
            return ProcessRunner.Run(tool, args, stdin, CommandTimeout);
        }

        return ProcessRunner.Run(CommandPrefix[0], [.. CommandPrefix.Skip(1), tool, .. args], stdin, CommandTimeout);
    }
}
