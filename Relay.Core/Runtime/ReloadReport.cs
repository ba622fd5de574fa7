namespace Relay.Core.Runtime;

/// <summary>How a reload attempt ended.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(Relay.Core.Vocabulary.SnakeCaseEnumConverter<ReloadOutcome>))]
public enum ReloadOutcome
{
    /// <summary>A new revision is running.</summary>
    Applied,

    /// <summary>The file holds the revision already running: nothing to do.</summary>
    Unchanged,

    /// <summary>The file did not validate (or its capture rules could not be generated): nothing applied.</summary>
    Rejected,

    /// <summary>Valid, but applying it failed (a listener could not be bound, iptables failed): rolled back.</summary>
    Failed,
}

/// <summary>
/// One reload attempt, as logged, written to the state file and shown in GET /config.
/// <see cref="Revision"/> is the revision the file held (null if it did not load at all);
/// <see cref="RunningRevision"/> is the one in force afterwards.
/// </summary>
public sealed record ReloadReport(
    string Trigger,
    DateTimeOffset At,
    ReloadOutcome Outcome,
    string? Revision,
    string RunningRevision,
    IReadOnlyList<string> Errors,
    double DurationMs)
{
    public bool Succeeded => Outcome is ReloadOutcome.Applied or ReloadOutcome.Unchanged;
}
