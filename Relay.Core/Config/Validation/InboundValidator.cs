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
