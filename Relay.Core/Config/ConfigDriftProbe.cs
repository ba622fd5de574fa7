namespace Relay.Core.Config;

/// <summary>
/// Answers "does the file on disk hold what runs?" for GET /config, as <c>relay config status</c>
/// does from outside: the file's revision is its SHA-256, so an unchanged file costs one read and
/// one hash per call (the dashboard polls every 5 s); a changed one is validated once per revision
/// and the verdict kept until the file changes again. Thread-safe.
/// </summary>
public sealed class ConfigDriftProbe(string path, TimeProvider? time = null)
{
    /// <summary>The page and /config show the first few; the rest are in the log and <c>relay validate</c>.</summary>
    private const int ShownErrors = 5;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private (string Revision, int ErrorCount, IReadOnlyList<string> Errors)? _validated;

    public ConfigDrift Check(string runningRevision)
    {
        var now = _time.GetUtcNow();
        var errors = new ConfigErrorSink(path);
        var bytes = ConfigFileReader.Read(path, ConfigLoader.MaxFileBytes, errors);
        if (bytes is null)
        {
            var unreadable = errors.Sorted();
            return new ConfigDrift(DriftState.Invalid, null, unreadable.Count, Shown(unreadable), now);
        }
        var revision = ConfigLoader.Revision(bytes);
        if (revision == runningRevision)
        {
            return new ConfigDrift(DriftState.InSync, revision, 0, [], now);
        }
        lock (_gate)
        {
            if (_validated is not { } known || known.Revision != revision)
            {
                // Validated from the bytes just hashed, so the verdict belongs to this revision even
                // if the file changes again meanwhile.
                var loaded = ConfigLoader.LoadBytes(bytes, path);
                known = (revision, loaded.Errors.Count, Shown(loaded.Errors));
                _validated = known;
            }
            return new ConfigDrift(ConfigDrift.Classify(revision, known.ErrorCount, runningRevision), revision, known.ErrorCount, known.Errors, now);
        }
    }

    private static string[] Shown(IReadOnlyList<ConfigError> errors) => [.. errors.Take(ShownErrors).Select(e => e.ToString())];
}
