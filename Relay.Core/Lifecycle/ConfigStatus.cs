using Relay.Core.Config;

namespace Relay.Core.Lifecycle;

/// <summary>
/// What <c>relay config status</c> reports: the daemon's state file beside a fresh validation of
/// the config file, so drift and invalid edits show even when no reload was triggered.
/// </summary>
public sealed record ConfigStatus(LifecycleState? State, string ConfigPath, string? FileRevision, IReadOnlyList<ConfigError> FileErrors)
{
    public DriftState Drift => State is null ? DriftState.Unknown : ConfigDrift.Classify(FileRevision, FileErrors.Count, State.RunningRevision);

    public static ConfigStatus Read(string configPath, string stateDirectory)
    {
        var loaded = ConfigLoader.LoadFile(configPath);
        return new ConfigStatus(LifecycleState.Read(stateDirectory), Path.GetFullPath(configPath), loaded.Snapshot?.Revision, loaded.Errors);
    }
}
