namespace Relay.Core.Config.Validation;

/// <summary>limits: connection and buffer bounds (durations are checked when read).</summary>
internal static class LimitsValidator
{
    public static void Validate(LimitsConfig limits, ConfigErrorSink errors)
    {
        ValueRules.Range(limits.MaxConnections, ConfigDefaults.MinMaxConnections, ConfigDefaults.MaxMaxConnections, errors);
        ValueRules.Range(limits.MaxInboundConnections, ConfigDefaults.MinMaxConnections, ConfigDefaults.MaxMaxConnections, errors);
        ValueRules.Range(limits.MaxOutboundConnections, ConfigDefaults.MinMaxConnections, ConfigDefaults.MaxMaxConnections, errors);
        ValueRules.Range(limits.MaxUnauthenticatedPerSource, ConfigDefaults.MinMaxUnauthenticatedPerSource, ConfigDefaults.MaxMaxConnections, errors);
        ValueRules.Range(limits.BufferSize, ConfigDefaults.MinBufferSize, ConfigDefaults.MaxBufferSize, errors);
    }
}
