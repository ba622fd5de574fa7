using Relay.Core.Config;
using Relay.Core.Routing.Guard;

namespace Relay.Core.Runtime;

/// <summary>
/// What GET /config returns: the running revision, where it came from, its text, and the outcome
/// of the latest reload attempt (null until one happens) and the few before it, so a rejected edit
/// is visible here, the drift of the file on disk, and the runtime overrides of the file (canary
/// guard cuts).
/// </summary>
internal sealed record RunningConfigView(string Revision, string SourcePath, DateTimeOffset AppliedAt, string Config)
{
    /// <summary>How many reload attempts <see cref="RecentReloads"/> keeps: a screenful on the dashboard.</summary>
    public const int RecentReloadLimit = 10;

    public ReloadReport? LastReload { get; init; }

    /// <summary>The latest reload attempts, newest first, at most <see cref="RecentReloadLimit"/> (the log has them all).</summary>
    public IReadOnlyList<ReloadReport> RecentReloads { get; init; } = [];

    /// <summary>The file on disk against the running revision; set per request by whoever serves /config (null when not checked).</summary>
    public ConfigDrift? Drift { get; init; }

    /// <summary>What this host runs differently from the file: the canary guards' cuts (empty while none), cleared by a changed file.</summary>
    public IReadOnlyList<GuardOverride> Overrides { get; init; } = [];

    /// <summary>The services whose endpoints come from DNS, with the set each runs on now (the config text says only where they come from).</summary>
    public IReadOnlyList<DiscoveryView> Discovered { get; init; } = [];

    public static RunningConfigView Of(ConfigSnapshot snapshot, DateTimeOffset appliedAt) =>
        new(snapshot.Revision, snapshot.SourcePath, appliedAt, snapshot.SourceText);

    /// <summary>This view with <paramref name="report"/> as the latest reload attempt.</summary>
    public RunningConfigView WithReload(ReloadReport report) => this with
    {
        LastReload = report,
        RecentReloads = [report, .. RecentReloads.Take(RecentReloadLimit - 1)],
    };
}
