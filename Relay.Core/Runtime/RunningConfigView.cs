using Relay.Core.Config;
using Relay.Core.Lifecycle;
using Relay.Core.Routing.Guard;

namespace Relay.Core.Runtime;

/// <summary>
/// What GET /config returns: the running revision, where it came from, its text, and the outcome
/// of the latest reload attempt (null until one happens), so a rejected edit is visible here, and
/// the runtime overrides of the file (canary guard cuts).
/// </summary>
internal sealed record RunningConfigView(string Revision, string SourcePath, DateTimeOffset AppliedAt, string Config)
{
    public ReloadReport? LastReload { get; init; }

    /// <summary>What this host runs differently from the file: the canary guards' cuts (empty while none), cleared by a changed file.</summary>
    public IReadOnlyList<GuardOverride> Overrides { get; init; } = [];

    /// <summary>The services whose endpoints come from DNS, with the set each runs on now (the config text says only where they come from).</summary>
    public IReadOnlyList<DiscoveryView> Discovered { get; init; } = [];

    public static RunningConfigView Of(ConfigSnapshot snapshot, DateTimeOffset appliedAt) =>
        new(snapshot.Revision, snapshot.SourcePath, appliedAt, snapshot.SourceText);
}
