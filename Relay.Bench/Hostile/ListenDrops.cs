using System.Globalization;

namespace Relay.Bench.Hostile;

/// <summary>
/// The kernel's count of connections dropped because a listener's accept queue was full
/// (TcpExt ListenDrops in /proc/net/netstat, system-wide). A dropped SYN is retried by the
/// client after 1 s, so a rise during a phase explains a fresh-connection p99 near 1 s.
/// </summary>
internal static class ListenDrops
{
    public static long Read()
    {
        var lines = File.ReadAllLines("/proc/net/netstat");
        for (var i = 0; i + 1 < lines.Length; i += 2)
        {
            if (!lines[i].StartsWith("TcpExt:", StringComparison.Ordinal))
            {
                continue;
            }
            var names = lines[i].Split(' ');
            var values = lines[i + 1].Split(' ');
            var at = Array.IndexOf(names, "ListenDrops");
            return at > 0 ? long.Parse(values[at], CultureInfo.InvariantCulture) : 0;
        }
        return 0;
    }
}
