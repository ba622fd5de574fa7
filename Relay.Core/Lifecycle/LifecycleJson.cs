using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relay.Core.Lifecycle;

/// <summary>JSON for the state directory: camelCase fields, snake_case enum words, indented for humans reading it.</summary>
internal static class LifecycleJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>The value, or null when the file is missing, unreadable or not this shape (a value, not an exception: the CLI reports it).</summary>
    public static T? TryRead<T>(string path)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllBytes(path), Options);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
