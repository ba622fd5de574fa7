namespace Relay.Core.Config.Diff;

/// <summary>
/// The human form, one change a line, diff(1)'s marks: <c>+</c> added, <c>-</c> removed,
/// <c>~</c> changed (<c>before -> after</c>). Stable: same inputs, same bytes, so CI can keep it.
/// </summary>
public static class ConfigDiffText
{
    public static void Write(TextWriter output, ConfigDiffReport report)
    {
        output.WriteLine($"comparing {report.Candidate} (revision {report.CandidateRevision})");
        output.WriteLine($"     with {report.Baseline}");
        foreach (var change in report.Changes)
        {
            output.WriteLine(change.Kind switch
            {
                ChangeKind.Added => $"+ {change.Key}: {change.After}",
                ChangeKind.Removed => $"- {change.Key}: {change.Before}",
                _ => $"~ {change.Key}: {change.Before} -> {change.After}",
            });
        }
        output.WriteLine(report.Changes.IsEmpty
            ? "no changes"
            : $"{report.Changes.Length} changes ({report.Added} added, {report.Removed} removed, {report.Changed} changed)");
    }
}
