namespace Relay.Core.Config.Validation;

/// <summary>services.NAME.circuit_breakers: at least one connection and request; pending and retries may be 0 (none).</summary>
internal static class CircuitBreakersValidator
{
    // The per-direction connection cap's own ceiling: one service cannot need more than the daemon holds.
    private const int Max = ConfigDefaults.MaxMaxConnections;

    public static void Validate(CircuitBreakersConfig? c, ConfigErrorSink errors)
    {
        if (c is null)
        {
            return;
        }
        ValueRules.Range(c.MaxConnections, 1, Max, errors);
        ValueRules.Range(c.MaxRequests, 1, Max, errors);
        ValueRules.Range(c.MaxPendingRequests, 0, Max, errors);
        ValueRules.Range(c.MaxRetries, 0, Max, errors);
    }
}
