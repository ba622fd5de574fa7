using Relay.Core.Config.Yaml;

namespace Relay.Core.Config.Reading;

internal static class RateLimitReader
{
    public static readonly string[] RequestKeys = ["requests_per_second", "burst"];
    public static readonly string[] ConnectionKeys = ["connections_per_second", "burst"];

    public static RateLimitConfig? Read(MappingReader? r, string rateKey) => r is null
        ? null
        : new RateLimitConfig(r.Location, r.Int(rateKey, required: true), r.Int("burst"));
}
