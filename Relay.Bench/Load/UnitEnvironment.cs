namespace Relay.Bench.Load;

/// <summary>
/// The <c>Environment=</c> lines of <c>systemd/relay.service</c>, read at run time so every Relay
/// the runner starts runs with what the unit gives the installed daemon (MALLOC_ARENA_MAX, glibc
/// tunables): a setting changed in the unit is measured by the next run, never drifted from.
/// </summary>
internal static class UnitEnvironment
{
    public static string UnitPath => Path.Combine(BenchPaths.RepoRoot, "systemd", "relay.service");

    public static IReadOnlyList<KeyValuePair<string, string>> Read() => Parse(File.ReadLines(UnitPath));

    /// <summary>One <c>Environment=KEY=VALUE</c> per line, as the unit writes them (no quoting, one pair each).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(IEnumerable<string> lines)
    {
        const string prefix = "Environment=";
        List<KeyValuePair<string, string>> pairs = [];
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (!line.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }
            var assignment = line[prefix.Length..];
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || assignment.Contains(' ', StringComparison.Ordinal) || assignment.Contains('"', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{UnitPath}: '{line}' is not one unquoted KEY=VALUE; the load runner reads only that form");
            }
            pairs.Add(new(assignment[..equals], assignment[(equals + 1)..]));
        }
        return pairs;
    }
}
