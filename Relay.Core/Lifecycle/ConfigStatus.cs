using Relay.Core.Config;

namespace Relay.Core.Lifecycle;

/// <summary>How the file on disk relates to what the daemon runs.</summary>
public enum DriftState
{
    /// <summary>The file holds the running revision.</summary>
    InSync,

    /// <summary>The file is valid but is not what runs (not reloaded yet, or its apply failed).</summary>
    Drift,

    /// <summary>The file does not validate: the daemon keeps running the last good revision.</summary>
    Invalid,

    /// <summary>No state file: the daemon is not running or has never written its state here.</summary>
    Unknown,
}

/// <summary>
/// What <c>relay config status</c> reports: the daemon's state file beside a fresh validation of
/// the config file, so drift and invalid edits show even when no reload was triggered.
/// </summary>
public sealed record ConfigStatus(LifecycleState? State, string ConfigPath, string? FileRevision, IReadOnlyList<ConfigError> FileErrors)
{
    public DriftState Drift => State is null ? DriftState.Unknown
        : FileErrors.Count > 0 ? DriftState.Invalid
        : FileRevision == State.RunningRevision ? DriftState.InSync
        : DriftState.Drift;

    public static ConfigStatus Read(string configPath, string stateDirectory)
    {
        var loaded = ConfigLoader.LoadFile(configPath);
        return new ConfigStatus(LifecycleState.Read(stateDirectory), Path.GetFullPath(configPath), loaded.Snapshot?.Revision, loaded.Errors);
    }
}
