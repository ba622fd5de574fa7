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
    public static long? PeakRssBytes(int pid) => StatusKb(pid, "VmHWM:") * 1024;

    /// <summary>VmRSS (resident now) in bytes, or null when the process is gone.</summary>
    public static long? RssBytes(int pid) => StatusKb(pid, "VmRSS:") * 1024;

    /// <summary>
    /// Starts a new peak-RSS window: writing 5 to /proc/PID/clear_refs sets VmHWM to the current
    /// RSS (proc(5)), so the next <see cref="PeakRssBytes"/> is the peak of one workload only.
    /// False when the kernel or permissions refuse (then VmHWM stays the whole-life peak).
    /// </summary>
    public static bool ResetPeakRss(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // "VmHWM:     23456 kB"
    private static long? StatusKb(int pid, string key)
    {
        var line = ReadOrNull($"/proc/{pid}/status")?.Split('\n').FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
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
