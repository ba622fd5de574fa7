using System.Globalization;
using Relay.Core.Admin;

namespace Relay.Core.Config;

/// <summary>
/// How many file descriptors a config needs, against RLIMIT_NOFILE (issue 17 §5). Each proxied
/// connection holds two (client and upstream); the admin port may hold up to its connection
/// cap; the rest is the runtime, listeners, logs, the config watcher and idle pooled mesh
/// connections (64 per endpoint at most, MeshConnectionPool).
/// </summary>
public static class DescriptorBudget
{
    /// <summary>Measured: an idle JIT daemon holds ~180 descriptors (ls /proc/PID/fd | wc -l); the rest is headroom for idle pooled mesh connections.</summary>
    public const int Baseline = 512;

    /// <summary>
    /// Descriptors kept free beyond the proxied connections: the admin port's few real clients,
    /// an accepted-then-refused connection, log and config files, the runtime loading an assembly
    /// late (a FileNotFoundException there was fatal when none was left).
    /// </summary>
    public const int Margin = 64;

    /// <summary>How many proxied connections (2 descriptors each) fit under <paramref name="limit"/> given <paramref name="openNow"/> in use.</summary>
    public static int ConnectionCap(long limit, int openNow) => (int)Math.Clamp((limit - openNow - Margin) / 2, 1, int.MaxValue);

    /// <summary>Descriptors this process has open now (/proc/self/fd), or 0 if unreadable.</summary>
    public static int OpenNow()
    {
        try
        {
            return Directory.GetFileSystemEntries("/proc/self/fd").Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Both directions' pools full (each has its own, issue 17 §2), 2 descriptors per connection, plus the admin port and the baseline.</summary>
    public static long Required(LimitsSnapshot limits) =>
        2L * ((long)limits.MaxInboundConnections + limits.MaxOutboundConnections) + AdminLimits.MaxConnections + Baseline;

    /// <summary>A warning when <paramref name="limit"/> cannot hold the config's connections, else null.</summary>
    public static string? Check(LimitsSnapshot limits, long limit, string where)
    {
        var required = Required(limits);
        return limit >= required ? null : string.Create(CultureInfo.InvariantCulture,
            $"warning: {where} allows {limit} open files, but {limits.MaxInboundConnections} inbound + {limits.MaxOutboundConnections} outbound connections (limits.max_inbound_connections, max_outbound_connections; max_connections sets both) need about {required} (2 per connection + {AdminLimits.MaxConnections} admin + {Baseline}); Relay then admits only as many connections as fit (2 descriptors each, after those in use and {Margin} spare). Raise LimitNOFILE or lower the connection limits.");
    }

    /// <summary>The soft RLIMIT_NOFILE of this process, from /proc/self/limits; null if unreadable.</summary>
    public static long? ProcessLimit()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var fields = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 0 } && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>LimitNOFILE= of a systemd unit file (the soft value of "soft:hard"); null when absent or "infinity".</summary>
    public static long? UnitLimit(IEnumerable<string> unitLines)
    {
        long? value = null;
        foreach (var raw in unitLines)
        {
            var line = raw.Trim();
            if (!line.StartsWith("LimitNOFILE=", StringComparison.Ordinal))
            {
                continue;
            }
            var soft = line["LimitNOFILE=".Length..].Split(':')[0].Trim();
            // The last assignment wins, as in systemd.
            value = long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        }
        return value;
    }
}
