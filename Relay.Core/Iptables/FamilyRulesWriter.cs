using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Relay.Core.Iptables;

/// <summary>
/// Writes one family's <c>iptables-restore</c> text. Rule order inside each chain is the policy;
/// iptables/README.md and docs/capture.md explain every line.
/// </summary>
internal static class FamilyRulesWriter
{
    public static FamilyRuleset Write(IpFamily family, CaptureInputs inputs)
    {
        var text = new StringBuilder();
        text.Append("*nat\n");
        Declare(text, ChainNames.Inbound, ChainNames.InRedirect, ChainNames.Outbound, ChainNames.Redirect);
        Rule(text, ChainNames.Redirect, $"-p tcp -j REDIRECT --to-ports {inputs.OutboundPort}");
        Rule(text, ChainNames.InRedirect, $"-p tcp -j REDIRECT --to-ports {inputs.InboundPort}");
        OutboundRules(text, family, inputs);
        InboundRules(text, inputs);
        text.Append("COMMIT\n*mangle\n");
        Declare(text, ChainNames.DropInvalid);
        foreach (var port in inputs.InboundPorts)
        {
            Rule(text, ChainNames.DropInvalid, $"-p tcp --dport {port} -m conntrack --ctstate INVALID -j DROP");
        }

        text.Append("COMMIT\n");
        return new FamilyRuleset(family, text.ToString(), Jumps);
    }

    private static readonly ImmutableArray<JumpRule> Jumps =
    [
        new(ChainNames.NatTable, "OUTPUT", ["-p", "tcp"], ChainNames.Outbound),
        new(ChainNames.NatTable, "PREROUTING", ["-p", "tcp"], ChainNames.Inbound),
        new(ChainNames.MangleTable, "PREROUTING", ["-p", "tcp"], ChainNames.DropInvalid),
    ];

    private static void OutboundRules(StringBuilder text, IpFamily family, CaptureInputs inputs)
    {
        foreach (var uid in inputs.Uids)
        {
            Rule(text, ChainNames.Outbound, $"-m owner --uid-owner {uid} -j RETURN");
        }

        // Loop guard: a connection to one of Relay's own listeners on this host is already at Relay.
        Rule(text, ChainNames.Outbound, $"-p tcp -m addrtype --dst-type LOCAL -m multiport --dports {RelayPorts(inputs)} -j RETURN");
        Rule(text, ChainNames.Outbound, "-o lo -j RETURN");
        Rule(text, ChainNames.Outbound, $"-d {family.LoopbackCidr()} -j RETURN");
        foreach (var cidr in inputs.ExcludeCidrs.Where(c => c.BaseAddress.AddressFamily == family.AddressFamily()))
        {
            Rule(text, ChainNames.Outbound, $"-d {cidr} -j RETURN");
        }

        foreach (var port in inputs.ExcludeOutboundPorts)
        {
            Rule(text, ChainNames.Outbound, $"-p tcp --dport {port} -j RETURN");
        }

        Rule(text, ChainNames.Outbound, $"-j {ChainNames.Redirect}");
    }

    private static void InboundRules(StringBuilder text, CaptureInputs inputs)
    {
        // Loop guard: traffic addressed to Relay's listeners themselves is never redirected.
        Rule(text, ChainNames.Inbound, $"-p tcp -m multiport --dports {RelayPorts(inputs)} -j RETURN");
        foreach (var port in inputs.ExcludeInboundPorts)
        {
            Rule(text, ChainNames.Inbound, $"-p tcp --dport {port} -j RETURN");
        }

        foreach (var port in inputs.InboundPorts)
        {
            Rule(text, ChainNames.Inbound, $"-p tcp --dport {port} -j {ChainNames.InRedirect}");
        }
    }

    private static string RelayPorts(CaptureInputs inputs) =>
        string.Create(CultureInfo.InvariantCulture, $"{inputs.OutboundPort},{inputs.InboundPort}");

    /// <summary>In --noflush mode, declaring a chain creates it or flushes it, inside the same commit as its new rules.</summary>
    private static void Declare(StringBuilder text, params string[] chains)
    {
        foreach (var chain in chains)
        {
            text.Append(':').Append(chain).Append(" - [0:0]\n");
        }
    }

    private static void Rule(StringBuilder text, string chain, string spec) =>
        text.Append("-A ").Append(chain).Append(' ').Append(spec).Append('\n');
}
