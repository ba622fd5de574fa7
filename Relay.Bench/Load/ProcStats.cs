using System.Globalization;
using System.Runtime.InteropServices;

namespace Relay.Bench.Load;

/// <summary>Per-process resource figures from /proc: peak RSS (VmHWM) and CPU time (utime+stime).</summary>
internal static class ProcStats
{
    // sysconf(_SC_CLK_TCK): the unit of utime/stime in /proc/PID/stat (100 on every common Linux).
    private const int ScClkTck = 2;

    // /proc/PID/stat fields after the ")" that ends comm: state is field 3, utime 14, stime 15.
    private const int UtimeAfterComm = 11;
    private const int StimeAfterComm = 12;

    private static readonly long TicksPerSecond = SysConf(ScClkTck);

    /// <summary>VmHWM in bytes, or null when the process is gone.</summary>
    public static long? PeakRssBytes(int pid)
    {
        var status = ReadOrNull($"/proc/{pid}/status");
        var line = status?.Split('\n').FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        // "VmHWM:     23456 kB"
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>User+system CPU seconds the process (all its threads) has used so far.</summary>
    public static double? CpuSeconds(int pid)
    {
        var stat = ReadOrNull($"/proc/{pid}/stat");
        if (stat is null)
        {
            return null;
        }
        // comm may hold spaces and parentheses; everything after the last ')' is space-separated.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[UtimeAfterComm], CultureInfo.InvariantCulture) + long.Parse(fields[StimeAfterComm], CultureInfo.InvariantCulture);
        return ticks / (double)TicksPerSecond;
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);
}
