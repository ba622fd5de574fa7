namespace Relay.Core.Lifecycle;

/// <summary>One applied config: its text exactly as validated, its revision and full SHA-256, and when it went live.</summary>
public sealed record HistoryEntry(string Revision, string Sha256, DateTimeOffset AppliedAt, string SourcePath, string Content);
