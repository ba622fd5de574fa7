namespace Relay.Core.Config;

/// <summary>Which DNS records a service's endpoints come from: <c>dns:</c> (A and AAAA) or <c>srv:</c>.</summary>
public enum DnsRecordKind
{
    /// <summary><c>dns: NAME[:PORT]</c>: every A and AAAA address of NAME, on PORT (the service's port when omitted).</summary>
    Address,

    /// <summary><c>srv: NAME</c>: each SRV target's addresses on the port the SRV record gives.</summary>
    Srv,
}

/// <summary>
/// A service's <c>dns:</c> or <c>srv:</c> value as written: the name and, for <c>dns:</c>, the
/// endpoint port if the value named one. Syntax is checked when read (<c>DnsNameParser</c>).
/// </summary>
internal sealed record DnsSourceConfig(DnsRecordKind Kind, string Name, int? Port);
