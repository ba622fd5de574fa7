namespace Relay.Core.Config.Validation;

/// <summary>
/// Relay's own listeners (capture outbound/inbound, admin) and the inbound ports must not share
/// a port: the listeners bind every address, and an inbound port equal to a listener port would
/// redirect traffic into Relay's own listener (a loop). Defaults count: they are bound too.
/// Explicit listeners count as well: on an inbound port they would only see captured traffic
/// after iptables already redirected it, and on a capture or admin port the bind fails.
/// </summary>
internal static class PortCollisionValidator
{
    public static void Validate(MeshFileConfig file, ConfigErrorSink errors)
    {
        var claims = Claims(file);
        for (var j = 1; j < claims.Count; j++)
        {
            for (var i = 0; i < j; i++)
            {
                Check(claims[i], claims[j], errors);
            }
        }
    }

    private static void Check(PortClaim first, PortClaim second, ConfigErrorSink errors)
    {
        // Inbound against inbound is a duplicate port, reported by InboundValidator; explicit
        // listeners against each other may share a port on different IPs (ListenersValidator).
        if (first.Port != second.Port || (first.IsInbound && second.IsInbound) || (first.IsExplicit && second.IsExplicit))
        {
            return;
        }
        var (at, other) = second.Location is not null ? (second, first) : (first, second);
        if (at.Location is { } location)
        {
            errors.Add(location, $"port {at.Port} is also used by {other.Describe()}; each of Relay's listeners and each inbound port needs its own port");
        }
    }

    private static List<PortClaim> Claims(MeshFileConfig file)
    {
        var capture = file.Capture;
        var admin = file.Admin.Address is { } a ? new Located<int>(a.Value.Port, a.Location) : null;
        var claims = new List<PortClaim?>
        {
            PortClaim.From("capture.outbound_port", capture.OutboundPort, ConfigDefaults.OutboundPort),
            PortClaim.From("capture.inbound_port", capture.InboundPort, ConfigDefaults.InboundPort),
            PortClaim.From("admin.address", admin, ConfigDefaults.AdminAddress.Port),
        };
        foreach (var inbound in file.Inbound)
        {
            if (inbound.Port is { } port && PortClaim.Valid(port.Value))
            {
                claims.Add(new PortClaim(port.Location.KeyPath, port.Value, port.Location, IsInbound: true));
            }
        }
        foreach (var listener in file.Listeners)
        {
            if (listener.Address is { } address)
            {
                claims.Add(new PortClaim(address.Location.KeyPath, address.Value.Port, address.Location, IsInbound: false, IsExplicit: true));
            }
        }
        return [.. claims.OfType<PortClaim>()];
    }
}
