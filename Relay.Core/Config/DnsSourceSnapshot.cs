namespace Relay.Core.Config;

/// <summary>
/// Where a discovered service's endpoints come from, compiled: the record kind, the fully
/// qualified name queried (a trailing dot added, so no resolv.conf search list applies) and,
/// for A/AAAA, the port every address is dialled on (0 for SRV: each record carries its own).
/// </summary>
public sealed record DnsSourceSnapshot(DnsRecordKind Kind, string Name, int Port)
{
    /// <summary>As /clusters and the logs show it: <c>dns:orders.internal:8080</c> or <c>srv:_orders._tcp.service.consul</c>.</summary>
    public override string ToString() => Kind == DnsRecordKind.Srv
        ? $"srv:{Name.TrimEnd('.')}"
        : $"dns:{Name.TrimEnd('.')}:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
