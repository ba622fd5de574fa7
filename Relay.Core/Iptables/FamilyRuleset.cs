using System.Collections.Immutable;

namespace Relay.Core.Iptables;

/// <summary>
/// The rules for one address family: <see cref="RestoreText"/> goes to <c>iptables-restore --noflush</c>
/// (its <c>:CHAIN - [0:0]</c> lines flush and refill Relay's chains in one commit), then each
/// <see cref="Jumps"/> rule is appended to its built-in chain if it is not already there.
/// </summary>
internal sealed record FamilyRuleset(IpFamily Family, string RestoreText, ImmutableArray<JumpRule> Jumps);
