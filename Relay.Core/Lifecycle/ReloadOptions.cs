namespace Relay.Core.Lifecycle;

/// <summary>Where the daemon keeps its reload state and history, and how capture rules follow the config.</summary>
public sealed record ReloadOptions
{
    /// <summary>systemd's StateDirectory=relay creates this, owned by the service user.</summary>
    public const string DefaultStateDirectory = "/var/lib/relay";

    /// <summary>Ten revisions cover a working day of hand edits; each is one small JSON file.</summary>
    public const int DefaultHistoryLimit = 10;

    public string StateDirectory { get; init; } = DefaultStateDirectory;

    public int HistoryLimit { get; init; } = DefaultHistoryLimit;

    /// <summary>When false the daemon never touches iptables (another tool owns the rules).</summary>
    public bool FollowCaptureRules { get; init; } = true;
}
