using System.Collections.Immutable;

namespace Relay.Core.Iptables;

/// <summary>
/// A rule in a built-in chain that hooks one of Relay's chains in. Kept out of the restore text
/// because built-in chains are shared with other software: Relay adds its jump only when missing
/// (<c>-C</c> then <c>-A</c>) and never flushes a chain it does not own.
/// </summary>
internal sealed record JumpRule(string Table, string Chain, ImmutableArray<string> Match, string Target)
{
    /// <summary>The rule spec after the chain name, e.g. <c>-p tcp -j RELAY_OUTBOUND</c>.</summary>
    public ImmutableArray<string> Spec => [.. Match, "-j", Target];

    /// <summary>Arguments for <c>iptables</c> with the given command (<c>-C</c>, <c>-A</c>, <c>-D</c>).</summary>
    public IReadOnlyList<string> Arguments(string command) =>
        ["-w", IptablesRunner.LockWaitSeconds, "-t", Table, command, Chain, .. Spec];

    public override string ToString() => $"-t {Table} -A {Chain} {string.Join(' ', Spec)}";
}
