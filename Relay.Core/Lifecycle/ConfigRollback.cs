using System.Diagnostics;
using System.Text;
using Relay.Core.Config;

namespace Relay.Core.Lifecycle;

/// <summary>The outcome of a rollback: whether the daemon now runs the revision, and what happened if not.</summary>
public sealed record RollbackResult(bool Succeeded, string? Revision, IReadOnlyList<string> Messages)
{
    public static RollbackResult Failed(params string[] messages) => new(false, null, messages);
}

/// <summary>
/// <c>relay config rollback [REV]</c>: writes an earlier applied config back to the config path
/// (atomically, through a symlink to its target) so the daemon's watcher reloads it through the
/// ordinary validate-and-swap path, then waits for the state file to say how that went.
/// </summary>
internal static class ConfigRollback
{
    /// <summary>The rollback target: <paramref name="revision"/> (a prefix), or the newest applied revision other than the running one.</summary>
    public static (HistoryEntry? Entry, string? Error) Choose(ConfigHistory history, LifecycleState? state, string? revision)
    {
        if (revision is not null)
        {
            return history.Find(revision) is { } found ? (found, null) : (null, $"revision {revision} is not in the history under {history.Directory}");
        }
        var previous = history.List().FirstOrDefault(e => e.Revision != state?.RunningRevision);
        return previous is null ? (null, $"no earlier revision in the history under {history.Directory}") : (previous, null);
    }

    /// <summary>Validates the entry again, writes it, waits up to <paramref name="timeout"/> for the daemon to run it.</summary>
    public static async Task<RollbackResult> RunAsync(string configPath, string stateDirectory, HistoryEntry entry, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var target = WriteTarget(configPath);
        var check = ConfigLoader.LoadText(entry.Content, target);
        if (check.Snapshot is not { } snapshot)
        {
            return RollbackResult.Failed([$"revision {entry.Revision} no longer validates; nothing written", .. check.Errors.Select(e => e.ToString())]);
        }
        var writtenAt = DateTimeOffset.UtcNow;
        var mode = OperatingSystem.IsWindows() || !File.Exists(target) ? (UnixFileMode?)null : File.GetUnixFileMode(target);
        AtomicFile.Write(target, Encoding.UTF8.GetBytes(entry.Content), mode);
        return await WaitAsync(stateDirectory, snapshot.Revision, writtenAt, timeout, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<RollbackResult> WaitAsync(string stateDirectory, string revision, DateTimeOffset writtenAt, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        while (elapsed.Elapsed < timeout)
        {
            var state = LifecycleState.Read(stateDirectory);
            if (state?.RunningRevision == revision)
            {
                return new RollbackResult(true, revision, [$"revision {revision} is running (took {elapsed.Elapsed.TotalSeconds:F1} s)"]);
            }
            if (state?.LastReload is { Succeeded: false } last && last.At >= writtenAt && last.Revision == revision)
            {
                return new RollbackResult(false, revision, [$"the daemon could not apply revision {revision} ({last.Outcome}); still running {state.RunningRevision}", .. last.Errors]);
            }
            // The daemon's watcher debounces 250 ms and polls every second: 100 ms steps cost nothing.
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
        return new RollbackResult(false, revision, [$"revision {revision} written, but the daemon did not report running it within {timeout.TotalSeconds:F0} s (is relay running with this --state-dir?)"]);
    }

    /// <summary>Through a symlink to the file it names, so a symlink-managed deployment keeps its link.</summary>
    private static string WriteTarget(string configPath)
    {
        var full = Path.GetFullPath(configPath);
        try
        {
            return new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full;
        }
    }
}
