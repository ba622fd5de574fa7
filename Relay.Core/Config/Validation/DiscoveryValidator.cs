namespace Relay.Core.Config.Validation;

/// <summary>
/// DNS discovery: a service takes its endpoints from exactly one of <c>endpoints</c>, <c>dns</c>
/// and <c>srv</c>; the discovery section's TTL bounds are ordered and its timeout is positive.
/// </summary>
internal static class DiscoveryValidator
{
    // A resolver that takes longer than a minute is down; Envoy's dns_query_timeout default is 5 s.
    private static readonly TimeSpan MaxQueryTimeout = TimeSpan.FromMinutes(1);

    // A day: past that a "ceiling" no longer bounds anything (Linkerd and Envoy set none).
    private static readonly TimeSpan MaxTtlCeiling = TimeSpan.FromDays(1);

    public static void Validate(MeshFileConfig file, ConfigErrorSink errors)
    {
        foreach (var service in file.Services)
        {
            OneSource(service, errors);
            ListenerNeedsAddress(service, file.Listeners, errors);
        }
        Section(file.Discovery, errors);
    }

    private static void OneSource(ServiceConfig service, ConfigErrorSink errors)
    {
        var given = new List<(string Key, ConfigLocation At)>();
        if (service.Endpoints is { } endpoints)
        {
            given.Add(("endpoints", endpoints.Location));
        }
        if (service.Dns is { } dns)
        {
            given.Add(("dns", dns.Location));
        }
        if (service.Srv is { } srv)
        {
            given.Add(("srv", srv.Location));
        }
        foreach (var (key, at) in given.Skip(1))
        {
            errors.Add(at, $"{key} cannot be combined with {given[0].Key}: a service's endpoints are listed (endpoints) or discovered (dns: A/AAAA, srv: SRV), one source each");
        }
    }

    /// <summary>An explicit listener reaches its service at a destination the route table holds: for a discovered service, one of its addresses.</summary>
    private static void ListenerNeedsAddress(ServiceConfig service, IReadOnlyList<ListenerConfig> listeners, ConfigErrorSink errors)
    {
        if (service.Discovery is null || service.Addresses is { Items.IsEmpty: false })
        {
            return;
        }
        foreach (var listener in listeners.Where(l => l.Service?.Value == service.Name.Value))
        {
            errors.Add(listener.Service!.Location, $"service '{service.Name.Value}' discovers its endpoints from DNS; a listener reaches it through one of its addresses, so give it addresses: [...]");
        }
    }

    private static void Section(DiscoveryConfig? discovery, ConfigErrorSink errors)
    {
        if (discovery is null)
        {
            return;
        }
        ValueRules.NotEmpty(discovery.Resolvers, errors);
        ValueRules.NoDuplicates(discovery.Resolvers, errors);
        Positive(discovery.MinTtl, TimeSpan.Zero, MaxTtlCeiling, errors);
        Positive(discovery.MaxTtl, TimeSpan.Zero, MaxTtlCeiling, errors);
        Positive(discovery.QueryTimeout, TimeSpan.Zero, MaxQueryTimeout, errors);
        var min = discovery.MinTtl?.Value ?? ConfigDefaults.DiscoveryMinTtl;
        var max = discovery.MaxTtl?.Value ?? ConfigDefaults.DiscoveryMaxTtl;
        if (min > max)
        {
            var at = discovery.MaxTtl?.Location ?? discovery.MinTtl!.Location;
            errors.Add(at, $"max_ttl ({max.TotalSeconds:0.###} s) is below min_ttl ({min.TotalSeconds:0.###} s)");
        }
    }

    private static void Positive(Located<TimeSpan>? value, TimeSpan above, TimeSpan max, ConfigErrorSink errors)
    {
        if (value is { } v && (v.Value <= above || v.Value > max))
        {
            errors.Add(v.Location, $"must be above 0 and at most {max.TotalSeconds:0} s, got {v.Value.TotalSeconds:0.###} s");
        }
    }
}
