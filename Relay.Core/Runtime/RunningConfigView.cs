using Relay.Core.Config;

namespace Relay.Core.Runtime;

/// <summary>What GET /config returns: the running revision, where it came from, and its text.</summary>
internal sealed record RunningConfigView(string Revision, string SourcePath, DateTimeOffset AppliedAt, string Config)
{
    public static RunningConfigView Of(ConfigSnapshot snapshot, DateTimeOffset appliedAt) =>
        new(snapshot.Revision, snapshot.SourcePath, appliedAt, snapshot.SourceText);
}
