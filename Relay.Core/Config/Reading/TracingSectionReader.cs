using System.Collections.Frozen;
using System.Globalization;
using Relay.Core.Config.Yaml;

namespace Relay.Core.Config.Reading;

internal static class TracingSectionReader
{
    public static readonly string[] Keys = ["otlp_endpoint", "protocol", "sampling_ratio", "max_queue_size", "max_export_batch_size",
        "schedule_delay", "export_timeout", "service_name"];

    private static readonly FrozenDictionary<string, OtlpProtocol> Protocols = new Dictionary<string, OtlpProtocol>
    {
        ["grpc"] = OtlpProtocol.Grpc,
        ["http_protobuf"] = OtlpProtocol.HttpProtobuf,
    }.ToFrozenDictionary();

    public static TracingConfig? Read(MappingReader? section) => section is null
        ? null
        : new TracingConfig(
            section.Location,
            section.Scalar("otlp_endpoint", ScalarParsers.Text<Uri>(TryEndpoint), required: true),
            section.Scalar("protocol", ScalarParsers.OneOf(Protocols)),
            section.Scalar("sampling_ratio", ScalarParsers.Text<double>(TryRatio)),
            section.Int("max_queue_size"),
            section.Int("max_export_batch_size"),
            section.Scalar("schedule_delay", LimitsSectionReader.Duration),
            section.Scalar("export_timeout", LimitsSectionReader.Duration),
            section.String("service_name"));

    /// <summary>An absolute http:// or https:// URL (OTLP has no other scheme).</summary>
    private static bool TryEndpoint(string text, out Uri value, out string? error)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            (value, error) = (uri, null);
            return true;
        }
        (value, error) = (null!, $"expected an http:// or https:// URL, got '{text}'");
        return false;
    }

    /// <summary>0 to 1: the share of new traces sampled (1 = all, 0.01 = one in a hundred).</summary>
    private static bool TryRatio(string text, out double value, out string? error)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value is >= 0 and <= 1)
        {
            error = null;
            return true;
        }
        error = $"expected a number from 0 to 1, got '{text}'";
        return false;
    }
}
