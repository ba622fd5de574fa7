using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Relay.Core.Config;

namespace Relay.Core.Lifecycle;

/// <summary>
/// The last N applied configs under <c>STATE_DIR/history</c>, one JSON file each, named
/// <c>&lt;unix ms&gt;-&lt;revision&gt;.json</c> so a name sort is a time sort. Recording an entry prunes
/// the oldest beyond the limit. Re-applying an old revision (a rollback) records a new entry:
/// this is the history of what ran, not a set of distinct files.
/// </summary>
internal sealed class ConfigHistory(string stateDirectory, int limit)
{
    private const string Extension = ".json";

    public string Directory { get; } = Path.Combine(stateDirectory, "history");

    public HistoryEntry Record(ConfigSnapshot snapshot, DateTimeOffset appliedAt)
    {
        var entry = new HistoryEntry(snapshot.Revision, Sha256(snapshot.SourceText), appliedAt, snapshot.SourcePath, snapshot.SourceText);
        System.IO.Directory.CreateDirectory(Directory);
        var name = string.Create(CultureInfo.InvariantCulture, $"{appliedAt.ToUnixTimeMilliseconds():D13}-{snapshot.Revision}{Extension}");
        AtomicFile.Write(Path.Combine(Directory, name), LifecycleJson.Serialize(entry));
        Prune();
        return entry;
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<HistoryEntry> List() => Files()
        .Select(LifecycleJson.TryRead<HistoryEntry>)
        .OfType<HistoryEntry>()
        .ToList();

    /// <summary>The newest entry whose revision starts with <paramref name="revision"/> (a prefix of at least 4 characters, like git).</summary>
    public HistoryEntry? Find(string revision) => List()
        .FirstOrDefault(e => e.Revision.StartsWith(revision, StringComparison.OrdinalIgnoreCase) && revision.Length >= 4);

    private IEnumerable<string> Files() => System.IO.Directory.Exists(Directory)
        ? System.IO.Directory.EnumerateFiles(Directory, "*" + Extension).OrderByDescending(Path.GetFileName, StringComparer.Ordinal)
        : [];

    private void Prune()
    {
        foreach (var stale in Files().Skip(Math.Max(1, limit)).ToList())
        {
            File.Delete(stale);
        }
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
