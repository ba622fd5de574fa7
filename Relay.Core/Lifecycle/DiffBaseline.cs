using Relay.Core.Config;

namespace Relay.Core.Lifecycle;

/// <summary>What <c>relay config diff</c> compared against: a loaded snapshot and words saying which one, or why there is none.</summary>
public sealed record DiffBaseline(ConfigSnapshot? Snapshot, string Description, IReadOnlyList<string> Errors)
{
    /// <summary>
    /// The config the daemon runs: the history entry of state.json's running revision; else the
    /// newest applied entry (state.json missing, or naming a revision pruned from history); else,
    /// with no history at all (the daemon never ran with this state directory), the file at
    /// <paramref name="configPath"/>. The entry's text is validated again with today's loader, as
    /// rollback does, so the two sides are compiled by the same code.
    /// </summary>
    public static DiffBaseline Find(string configPath, string stateDirectory)
    {
        var history = new ConfigHistory(stateDirectory, ReloadOptions.DefaultHistoryLimit).List();
        var running = LifecycleState.Read(stateDirectory)?.RunningRevision;
        var entry = history.FirstOrDefault(e => e.Revision == running);
        var description = entry is null ? null : $"running revision {entry.Revision}";
        if (entry is null && history.Count > 0)
        {
            entry = history[0];
            description = $"last applied revision {entry.Revision}";
        }
        if (entry is not null)
        {
            var applied = $"{description} (applied {entry.AppliedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} from {entry.SourcePath}, history in {stateDirectory})";
            var loaded = ConfigLoader.LoadText(entry.Content, entry.SourcePath);
            return loaded.IsValid
                ? new DiffBaseline(loaded.Snapshot, applied, [])
                : new DiffBaseline(null, applied, [$"{applied} no longer validates", .. loaded.Errors.Select(e => e.ToString())]);
        }
        var file = $"{configPath} (no applied config in {stateDirectory})";
        var result = ConfigLoader.LoadFile(configPath);
        return result.IsValid
            ? new DiffBaseline(result.Snapshot, $"revision {result.Snapshot!.Revision} in {file}", [])
            : new DiffBaseline(null, file, [$"baseline {file} is invalid", .. result.Errors.Select(e => e.ToString())]);
    }
}
