using Relay.Core.Config.Yaml;

namespace Relay.Core.Config.Reading;

internal static class OutlierDetectionReader
{
    public static readonly string[] Keys = ["consecutive_5xx", "consecutive_gateway_errors", "consecutive_connect_failures",
        "base_ejection_time", "max_ejection_time", "max_ejection_percent", "panic_threshold"];

    public static OutlierDetectionConfig? Read(MappingReader? o) => o is null
        ? null
        : new OutlierDetectionConfig(
            o.Location,
            o.Int("consecutive_5xx"),
            o.Int("consecutive_gateway_errors"),
            o.Int("consecutive_connect_failures"),
            o.Scalar("base_ejection_time", LimitsSectionReader.Duration),
            o.Scalar("max_ejection_time", LimitsSectionReader.Duration),
            o.Int("max_ejection_percent"),
            o.Int("panic_threshold"));
}
