namespace Relay.Core.Observability;

/// <summary>/proc/self/statm: the process's virtual and resident size, in bytes; zeros where it cannot be read.</summary>
internal static class ProcStatm
{
    public static (long Virtual, long Resident) Read()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ', 3);
            var page = Environment.SystemPageSize;
            return (long.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture) * page,
                long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * page);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (0, 0);
        }
    }
}
