using Relay.Core.Config;

namespace Relay.Core.Iptables;

/// <summary>
/// Port facts the rules rely on. The config validator checks these too; they are repeated here
/// because a rule set built on a colliding port would loop traffic into Relay or bypass it.
/// </summary>
internal static class CapturePortChecks
{
    private const int MaxPort = 65535;

    public static List<string> Check(CaptureSnapshot capture, IReadOnlyList<int> inboundPorts)
    {
        var errors = new List<string>();
        CheckRange(errors, "capture.outbound_port", [capture.OutboundPort]);
        CheckRange(errors, "capture.inbound_port", [capture.InboundPort]);
        CheckRange(errors, "capture.exclude_outbound_ports", capture.ExcludeOutboundPorts);
        CheckRange(errors, "capture.exclude_inbound_ports", capture.ExcludeInboundPorts);
        CheckRange(errors, "inbound[].port", inboundPorts);
        if (capture.OutboundPort == capture.InboundPort)
        {
            errors.Add($"capture.outbound_port and capture.inbound_port are both {capture.OutboundPort}");
        }

        foreach (var port in inboundPorts.Distinct())
        {
            if (port == capture.OutboundPort || port == capture.InboundPort)
            {
                errors.Add($"inbound port {port} is one of Relay's own listener ports; capturing it would loop");
            }

            if (capture.ExcludeInboundPorts.Contains(port))
            {
                errors.Add($"inbound port {port} is also in capture.exclude_inbound_ports; it would never be captured");
            }
        }

        return errors;
    }

    private static void CheckRange(List<string> errors, string key, IEnumerable<int> ports)
    {
        foreach (var port in ports.Where(p => p is < 1 or > MaxPort))
        {
            errors.Add($"{key}: {port} is not a TCP port (1-{MaxPort})");
        }
    }
}
