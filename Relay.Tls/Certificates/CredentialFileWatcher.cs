namespace Relay.Tls.Certificates;

/// <summary>
/// Calls <c>onChange</c> (debounced) when any of the credential files may have changed:
/// FileSystemWatchers on their directories catch writes, creates and renames (atomic
/// rename-over and "..data" symlink swaps inside the watched directory), and a periodic
/// stat poll catches the rest. The callback runs on a timer thread, never concurrently with itself.
/// </summary>
internal sealed class CredentialFileWatcher : IDisposable
{
    private readonly IReadOnlyList<string> files;
    private readonly Action onChange;
    private readonly TimeSpan debounce;
    private readonly List<FileSystemWatcher> watchers = [];
    private readonly ITimer debounceTimer;
    private readonly ITimer pollTimer;
    private string lastStat;

    public CredentialFileWatcher(IReadOnlyList<string> files, CredentialStoreOptions options, TimeProvider time, Action onChange)
    {
        this.files = files;
        this.onChange = onChange;
        debounce = options.Debounce;
        lastStat = FileSetFingerprint.Stat(files);
        debounceTimer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        pollTimer = time.CreateTimer(_ => Poll(), null, options.PollInterval, options.PollInterval);
        foreach (var directory in files.Select(f => Path.GetDirectoryName(Path.GetFullPath(f))!).Distinct(StringComparer.Ordinal))
        {
            watchers.Add(Watch(directory));
        }
    }

    public void Dispose()
    {
        foreach (var watcher in watchers)
        {
            watcher.Dispose();
        }
        debounceTimer.Dispose();
        pollTimer.Dispose();
    }

    private FileSystemWatcher Watch(string directory)
    {
        var watcher = new FileSystemWatcher(directory)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            IncludeSubdirectories = false,
        };
        FileSystemEventHandler handler = (_, _) => Touch();
        watcher.Changed += handler;
        watcher.Created += handler;
        watcher.Deleted += handler;
        watcher.Renamed += (_, _) => Touch();
        // An overflowed or failed watcher may have lost events: reload to be safe; the poll keeps working.
        watcher.Error += (_, _) => Touch();
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    /// <summary>(Re)starts the debounce window: the reload happens once events stop for <see cref="debounce"/>.</summary>
    private void Touch() => debounceTimer.Change(debounce, Timeout.InfiniteTimeSpan);

    private void Poll()
    {
        var stat = FileSetFingerprint.Stat(files);
        if (!string.Equals(stat, Volatile.Read(ref lastStat), StringComparison.Ordinal))
        {
            Touch();
        }
    }

    private void Fire()
    {
        Volatile.Write(ref lastStat, FileSetFingerprint.Stat(files));
        onChange();
    }
}
