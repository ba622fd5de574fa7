using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relay.Core.Config.Diff;

/// <summary>Compile-time JSON metadata for <c>relay config diff --json</c> (NativeAOT has no reflection serializer).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConfigDiffReport))]
internal sealed partial class ConfigDiffJsonContext : JsonSerializerContext;

public static class ConfigDiffJson
{
    public static string Serialize(ConfigDiffReport report) => JsonSerializer.Serialize(report, ConfigDiffJsonContext.Default.ConfigDiffReport);
}
