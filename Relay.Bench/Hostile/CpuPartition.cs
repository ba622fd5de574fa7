using System.Globalization;

namespace Relay.Bench.Hostile;

/// <summary>
/// The flood's "attacker on its own host" as CPUs: the attacker runs on one CPU (taskset) and
/// everything else of the scenario (Relay A and B, nginx, the measuring client) on the others,
/// because the scenario itself was started under <c>taskset</c> and its children inherit that.
/// On loopback a packet's receive work runs on the sending CPU, so the flood's SYNs, hellos and
/// resets are paid on the attacker's CPU, as they would be on its own machine's, while B still
/// accepts, reads and closes every one of them on its own.
/// </summary>
internal static class CpuPartition
{
    /// <summary>The CPUs this process may run on, from /proc/self/status (<c>Cpus_allowed_list: 0-1,3</c>).</summary>
    public static IReadOnlySet<int> Allowed()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
        return Parse(line["Cpus_allowed_list:".Length..].Trim());
    }

    /// <summary>
    /// The machine's online CPUs (/sys/devices/system/cpu/online). Not <c>Environment.ProcessorCount</c>,
    /// which counts only the CPUs this process may use, so under taskset it is 1.
    /// </summary>
    public static IReadOnlySet<int> Online() => Parse(File.ReadAllText("/sys/devices/system/cpu/online").Trim());

    /// <summary>A kernel CPU list (<c>0-3,5</c>) as a set.</summary>
    public static IReadOnlySet<int> Parse(string list)
    {
        var cpus = new SortedSet<int>();
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-');
            var first = int.Parse(range[0], CultureInfo.InvariantCulture);
            var last = range.Length > 1 ? int.Parse(range[1], CultureInfo.InvariantCulture) : first;
            for (var cpu = first; cpu <= last; cpu++)
            {
                cpus.Add(cpu);
            }
        }
        return cpus;
    }

    /// <summary>
    /// Null when the attacker's CPU is apart from this process's; else why not, with the command
    /// that would make it so.
    /// </summary>
    public static string? Problem(int attackerCpu, IReadOnlySet<int> allowed, IReadOnlySet<int> online)
    {
        if (!online.Contains(attackerCpu))
        {
            return $"--attacker-cpu {attackerCpu}: this machine's CPUs are {string.Join(',', online)}";
        }
        if (!allowed.Contains(attackerCpu))
        {
            return null;
        }
        var others = string.Join(',', online.Where(c => c != attackerCpu));
        return others.Length == 0
            ? $"--attacker-cpu {attackerCpu}: it is this machine's only CPU"
            : $"--attacker-cpu {attackerCpu}: this process may also run there; start the scenario under `taskset -c {others}` so the attacker has CPU {attackerCpu} to itself";
    }
}
