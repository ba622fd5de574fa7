namespace Relay.Core.Config.Validation;

/// <summary>inbound[].rate_limit and connection_rate_limit: positive rates and bursts; a request limit only where requests are seen.</summary>
internal static class RateLimitValidator
{
    // 1M/s per port: beyond what one Relay serves (docs/benchmarks.md), so larger is a typo.
    private const int Max = 1_000_000;

    public static void Validate(InboundPortConfig port, ConfigErrorSink errors)
    {
        foreach (var limit in new[] { port.RateLimit, port.ConnectionRateLimit })
        {
            ValueRules.Range(limit?.PerSecond, 1, Max, errors);
            ValueRules.Range(limit?.Burst, 1, Max, errors);
        }
        if (port.RateLimit is { } requests && (port.Protocol?.Value ?? ConfigDefaults.Protocol) == AppProtocol.Tcp)
        {
            errors.Add(requests.Location, "a request rate limit needs protocol: http, http2, grpc or auto (a tcp port has no requests); use connection_rate_limit");
        }
    }

    /// <summary>services.NAME.routes[].rate_limit: as a port's, and only on a service that has requests.</summary>
    public static void Validate(RouteConfig route, bool tcp, ConfigErrorSink errors)
    {
        ValueRules.Range(route.RateLimit?.PerSecond, 1, Max, errors);
        ValueRules.Range(route.RateLimit?.Burst, 1, Max, errors);
        if (route.RateLimit is { } limit && tcp)
        {
            errors.Add(limit.Location, "a request rate limit needs protocol: http, http2, grpc or auto (a tcp service's routes split connections, not requests)");
        }
    }
}
