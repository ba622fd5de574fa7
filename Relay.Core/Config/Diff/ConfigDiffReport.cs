using System.Collections.Immutable;

namespace Relay.Core.Config.Diff;

/// <summary>The result of <c>relay config diff</c> as printed (text) or serialised (<c>--json</c>).</summary>
public sealed record ConfigDiffReport(
    string Candidate,
    string CandidateRevision,
    string Baseline,
    string BaselineRevision,
    ImmutableArray<ConfigChange> Changes)
{
    public int Added => Changes.Count(c => c.Kind == ChangeKind.Added);

    public int Removed => Changes.Count(c => c.Kind == ChangeKind.Removed);

    public int Changed => Changes.Count(c => c.Kind == ChangeKind.Changed);
}
