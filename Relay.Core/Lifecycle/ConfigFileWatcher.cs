using System.Security.Cryptography;

namespace Relay.Core.Lifecycle;

/// <summary>
/// Signals when mesh.yaml's content changes, however it was changed: written in place,
/// written to a temp file and renamed over, swapped through a symlink, or deleted and
/// recreated. Watches the directory (not the file, whose inode a rename replaces) and the
/// symlink target's directory, debounces bursts, and fires only when the bytes differ from
/// the last content it reported — so each edit yields exactly one reload. A poll backs the
/// watcher up because inotify misses changes behind some symlink chains and on some mounts.
/// </summary>
internal sealed class ConfigFileWatcher : IDisposable
{
    // Editors and config-management tools write in bursts (truncate, write, chmod, rename):
    // 250 ms lets a burst settle while keeping write-to-effect well under the 1 s target.
    public static readonly TimeSpan DefaultDebounce = TimeSpan.FromMilliseconds(250);

    // The poll only catches what inotify missed; 1 s keeps the worst case inside the target.
    public static readonly TimeSpan DefaultPoll = TimeSpan.FromSeconds(1);

    /// <summary>What reloads this watcher causes are logged as.</summary>
    public const string Trigger = "file";

    private readonly string _path;
    private readonly Action<string> _changed;
    private readonly TimeSpan _debounce;
    private readonly Dictionary<string, FileSystemWatcher> _watchers = new(StringComparer.Ordinal);
    private readonly Timer _debounceTimer;
    private readonly Timer _pollTimer;
    private readonly Lock _gate = new();
    private string? _lastHash;
    private bool _disposed;

    public ConfigFileWatcher(string path, string? initialHash, Action<string> changed, TimeSpan? debounce = null, TimeSpan? poll = null)
    {
        _path = Path.GetFullPath(path);
        _changed = changed;
        _lastHash = initialHash;
        _debounce = debounce ?? DefaultDebounce;
        _debounceTimer = new Timer(_ => Check(), null, Timeout.Infinite, Timeout.Infinite);
        var pollEvery = poll ?? DefaultPoll;
        _pollTimer = new Timer(_ => Poll(), null, pollEvery, pollEvery);
        lock (_gate)
        {
            Rewatch();
        }
    }

    /// <summary>SHA-256 of a file's bytes, or null if it cannot be read right now.</summary>
    public static string? HashFile(string path)
    {
        try
        {
            return Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Tells the watcher which content is now current (after a reload it did not trigger).</summary>
    public void Acknowledge(string hash)
    {
        lock (_gate)
        {
            _lastHash = hash;
        }
    }

    private void Poke()
    {
        try
        {
            _debounceTimer.Change(_debounce, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // An inotify event or poll that raced Dispose: there is nothing left to reload.
        }
    }

    /// <summary>
    /// A poll that sees new content only starts the debounce: firing at once could read a file
    /// caught mid in-place write (truncated), reload garbage, then reload again when it settles.
    /// </summary>
    private void Poll()
    {
        var hash = HashFile(_path);
        lock (_gate)
        {
            if (_disposed || hash is null || hash == _lastHash)
            {
                return;
            }
        }
        Poke();
    }

    private void Check()
    {
        // A missing file (mid delete-then-recreate) is not a change: wait for the new file.
        var hash = HashFile(_path);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            // A symlink swap may have moved the target to a directory not watched yet.
            Rewatch();
            if (hash is null || hash == _lastHash)
            {
                return;
            }
            _lastHash = hash;
        }
        _changed(Trigger);
    }

    /// <summary>Adds a watcher for each directory the path (and its symlink target) now lives in.</summary>
    private void Rewatch()
    {
        foreach (var directory in DirectoriesToWatch(_path).Where(d => !_watchers.ContainsKey(d)))
        {
            var watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime | NotifyFilters.DirectoryName,
                IncludeSubdirectories = false,
            };
            watcher.Changed += (_, _) => Poke();
            watcher.Created += (_, _) => Poke();
            watcher.Deleted += (_, _) => Poke();
            watcher.Renamed += (_, _) => Poke();
            watcher.EnableRaisingEvents = true;
            _watchers[directory] = watcher;
        }
    }

    private static IEnumerable<string> DirectoriesToWatch(string path)
    {
        var directories = new HashSet<string>(StringComparer.Ordinal) { Path.GetDirectoryName(path)! };
        try
        {
            if (new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                directories.Add(Path.GetDirectoryName(target.FullName)!);
            }
        }
        catch (IOException)
        {
            // A dangling link: the directory watch and the poll still see it being fixed.
        }
        return directories.Where(Directory.Exists);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }
        foreach (var watcher in _watchers.Values)
        {
            watcher.Dispose();
        }
        _debounceTimer.Dispose();
        _pollTimer.Dispose();
    }
}
