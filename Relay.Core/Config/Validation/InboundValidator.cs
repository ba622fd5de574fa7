namespace Relay.Core.Config.Validation;

/// <summary>inbound: port ranges and uniqueness, strict mTLS needs tls, no excluded ports, policies.</summary>
internal static class InboundValidator
{
    public static void Validate(IReadOnlyList<InboundPortConfig> inbound, MeshFileConfig file, ConfigErrorSink errors)
    {
        var seen = new Dictionary<int, ConfigLocation>();
        foreach (var port in inbound)
        {
            ValueRules.Port(port.Port, errors);
            if (port.Port is { } p && !seen.TryAdd(p.Value, p.Location))
            {
                errors.Add(p.Location, $"port {p.Value} is already declared at {seen[p.Value].KeyPath}");
            }
            if (port.Mtls is { Value: MtlsMode.Strict } mtls && file.Tls is null)
            {
                errors.Add(mtls.Location, "mtls: strict needs a tls section (without it no connection could be accepted)");
            }
            ValueRules.NoDuplicates(port.Allow, errors);
            NotExcluded(port.Port, file.Capture, errors);
            RateLimitValidator.Validate(port, errors);
            Routes(port, errors);
        }
    }

    /// <summary>
    /// Per-route authorization: each match as a service route's; unique names; at most
    /// RoutesValidator.MaxRoutes. The port must be <c>auto</c>: a rule judges HTTP requests, and
    /// on a port whose apps speak HTTP the L7 path is where they are read.
    /// </summary>
    private static void Routes(InboundPortConfig port, ConfigErrorSink errors)
    {
        if (port.Routes is not { } routes)
        {
            return;
        }
        var at = port.Location.Child("routes");
        if ((port.Protocol?.Value ?? ConfigDefaults.Protocol) == AppProtocol.Tcp)
        {
            errors.Add(port.Protocol?.Location ?? at, "routes authorize HTTP requests; set protocol: auto on this port (a tcp port's connections cannot be judged per request)");
        }
        if (routes.Count == 0)
        {
            errors.Add(at, "list at least one route, or drop the key (an empty list would deny every request)");
        }
        if (routes.Count > RoutesValidator.MaxRoutes)
        {
            errors.Add(at, $"a port may have at most {RoutesValidator.MaxRoutes} routes, got {routes.Count}");
        }
        var names = new Dictionary<string, ConfigLocation>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            if (route.Name is { } name && !names.TryAdd(name.Value, name.Location))
            {
                errors.Add(name.Location, $"duplicate route name '{name.Value}' (already at {names[name.Value].KeyPath})");
            }
            foreach (var match in route.Matches)
            {
                RoutesValidator.Match(match, errors);
            }
            ValueRules.NoDuplicates(route.Allow, errors);
        }
    }

    private static void NotExcluded(Located<int>? port, CaptureConfig capture, ConfigErrorSink errors)
    {
        if (port is null)
        {
            return;
        }
        var excluded = capture.ExcludeInboundPorts is { } list
            ? list.Items.Any(e => e.Value == port.Value)
            : ConfigDefaults.ExcludeInboundPorts.Contains(port.Value);
        if (excluded)
        {
            var source = capture.ExcludeInboundPorts is null ? " (a default)" : "";
            errors.Add(port.Location, $"port {port.Value} is in capture.exclude_inbound_ports{source}, so it would never be captured");
        }
    }
}
