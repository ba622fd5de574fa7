using System.Collections.Immutable;
using System.Net;

namespace Relay.Core.Iptables;

/// <summary>
/// Everything the rule text depends on, already checked: the generator below is a pure function
/// of this record, which is what makes "apply twice gives the same rules" hold.
/// </summary>
internal sealed record CaptureInputs(
    int OutboundPort,
    int InboundPort,
    ImmutableArray<int> Uids,
    ImmutableArray<IPNetwork> ExcludeCidrs,
    ImmutableArray<int> ExcludeOutboundPorts,
    ImmutableArray<int> ExcludeInboundPorts,
    ImmutableArray<int> InboundPorts);
