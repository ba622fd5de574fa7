using System.Text;
using System.Text.RegularExpressions;

namespace Relay.Core.Iptables;

/// <summary>
/// Builds one <c>iptables-restore --noflush</c> transaction that removes everything Relay owns
/// from an <c>iptables-save</c> dump: every rule in a built-in (or foreign) chain that jumps to a
/// RELAY_ chain, every copy of it, then every RELAY_ chain (flushed first, since RELAY_ chains
/// jump to each other). Saved rule lines are replayed with <c>-D</c>, so no re-parsing of matches.
/// </summary>
internal static partial class RemovalPlan
{
    /// <summary>Null when the dump holds nothing of Relay's: removal is then a no-op success.</summary>
    public static string? Build(string saveOutput)
    {
        var text = new StringBuilder();
        var table = "";
        var deletes = new List<string>();
        var chains = new List<string>();
        foreach (var raw in saveOutput.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith('*'))
            {
                (table, deletes, chains) = (line[1..], [], []);
            }
            else if (line.StartsWith($":{ChainNames.Prefix}", StringComparison.Ordinal))
            {
                chains.Add(line[1..line.IndexOf(' ', StringComparison.Ordinal)]);
            }
            else if (IsForeignJump(line))
            {
                deletes.Add(string.Concat("-D", line.AsSpan(2)));
            }
            else if (line == "COMMIT")
            {
                AppendTable(text, table, deletes, chains);
            }
        }

        return text.Length == 0 ? null : text.ToString();
    }

    private static bool IsForeignJump(string line) =>
        line.StartsWith("-A ", StringComparison.Ordinal)
        && !line.StartsWith($"-A {ChainNames.Prefix}", StringComparison.Ordinal)
        && JumpToRelay().IsMatch(line);

    private static void AppendTable(StringBuilder text, string table, List<string> deletes, List<string> chains)
    {
        if (deletes.Count == 0 && chains.Count == 0)
        {
            return;
        }

        text.Append('*').Append(table).Append('\n');
        deletes.ForEach(d => text.Append(d).Append('\n'));
        chains.ForEach(c => text.Append("-F ").Append(c).Append('\n'));
        chains.ForEach(c => text.Append("-X ").Append(c).Append('\n'));
        text.Append("COMMIT\n");
    }

    [GeneratedRegex(@"\s-[jg] RELAY_\S+")]
    private static partial Regex JumpToRelay();
}
