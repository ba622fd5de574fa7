using Relay.Core.Iptables;

namespace Relay.Tests.Iptables;

/// <summary>
/// A throwaway network namespace (its own netfilter tables, interfaces and routes) so Root tests
/// can apply real rules without touching the host. Deleted in Dispose, even when a test failed.
/// </summary>
internal sealed class NetworkNamespace : IDisposable
{
    /// <summary>ip and iptables return in milliseconds; 10 s only bounds a wedged command.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public NetworkNamespace()
    {
        Name = $"relay-ipt-{Guid.NewGuid():N}"[..18];
        var added = ProcessRunner.Run("ip", ["netns", "add", Name], null, Timeout);
        Assert.True(added.Succeeded, $"ip netns add {Name}: {added.Stderr}");
        try
        {
            // REDIRECT sends to the primary address of lo, so lo must be up for refused-not-dropped.
            Exec("ip", "link", "set", "lo", "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }

    public IptablesRunner Runner => new(["ip", "netns", "exec", Name]);

    public CommandResult Exec(params string[] command)
    {
        var result = ProcessRunner.Run("ip", ["netns", "exec", Name, .. command], null, Timeout);
        Assert.True(result.Succeeded, $"{string.Join(' ', command)}: exit {result.ExitCode} {result.Stderr}");
        return result;
    }

    /// <summary>iptables-save without its timestamped comment lines, so two dumps compare equal.</summary>
    public string Save(IpFamily family) =>
        string.Join('\n', Exec(family.Save()).Stdout.Split('\n').Where(l => !l.StartsWith('#')));

    public void Dispose() => ProcessRunner.Run("ip", ["netns", "del", Name], null, Timeout);

    /// <summary>Root tests must fail, never skip, when not root: reads the effective uid from /proc.</summary>
    public static void AssertRoot()
    {
        var uidLine = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        var effective = uidLine.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2];
        Assert.Equal("0", effective);
    }
}
