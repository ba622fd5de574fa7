namespace Relay.Bench.Load;

/// <summary>When and on what a run happened, printed above its tables.</summary>
internal sealed record RunInfo(DateTimeOffset Started, TimeSpan Elapsed, string Machine, LoadOptions Options, IReadOnlyList<string> Versions);
