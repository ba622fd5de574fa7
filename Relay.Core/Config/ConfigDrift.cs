using System.Text.Json.Serialization;
using Relay.Core.Vocabulary;

namespace Relay.Core.Config;

/// <summary>How the file on disk relates to what the daemon runs.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<DriftState>))]
public enum DriftState
{
    /// <summary>The file holds the running revision.</summary>
    InSync,

    /// <summary>The file is valid but is not what runs (not reloaded yet, or its apply failed).</summary>
    Drift,

    /// <summary>The file does not validate (or cannot be read): the daemon keeps running the last good revision.</summary>
    Invalid,

    /// <summary>No state file: the daemon is not running or has never written its state here.</summary>
    Unknown,
}

/// <summary>
/// The file on disk against the running revision, as GET /config and the dashboard show it:
/// <see cref="FileRevision"/> is null when the file cannot be read; <see cref="Errors"/> are the
/// first of its validation errors (<see cref="ErrorCount"/> says how many there are).
/// </summary>
public sealed record ConfigDrift(DriftState State, string? FileRevision, int ErrorCount, IReadOnlyList<string> Errors, DateTimeOffset CheckedAt)
{
    /// <summary>The one rule, shared with <c>relay config status</c>: errors win, then revision equality.</summary>
    public static DriftState Classify(string? fileRevision, int errorCount, string runningRevision) =>
        errorCount > 0 || fileRevision is null ? DriftState.Invalid
        : fileRevision == runningRevision ? DriftState.InSync
        : DriftState.Drift;
}
