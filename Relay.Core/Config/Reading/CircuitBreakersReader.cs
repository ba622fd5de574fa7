using Relay.Core.Config.Yaml;

namespace Relay.Core.Config.Reading;

internal static class CircuitBreakersReader
{
    public static readonly string[] Keys = ["max_connections", "max_pending_requests", "max_requests", "max_retries"];

    public static CircuitBreakersConfig? Read(MappingReader? c) => c is null
        ? null
        : new CircuitBreakersConfig(c.Location, c.Int("max_connections"), c.Int("max_pending_requests"), c.Int("max_requests"), c.Int("max_retries"));
}
