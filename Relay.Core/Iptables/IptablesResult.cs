using System.Collections.Immutable;

namespace Relay.Core.Iptables;

/// <summary>The outcome of applying or removing rules: empty <see cref="Errors"/> means it all worked.</summary>
internal sealed record IptablesResult(ImmutableArray<string> Errors)
{
    public static IptablesResult Success { get; } = new([]);

    public bool Succeeded => Errors.IsEmpty;

    public static IptablesResult Combine(params IptablesResult[] results) =>
        new([.. results.SelectMany(r => r.Errors)]);

    public static IptablesResult Failed(string tool, CommandResult result) =>
        new([$"{tool} failed (exit {result.ExitCode}): {result.Stderr.Trim()}"]);
}
