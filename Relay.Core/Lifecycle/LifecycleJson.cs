using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Relay.Core.Lifecycle;

/// <summary>JSON for the state directory: camelCase fields, snake_case enum words, indented for humans reading it.</summary>
internal static class LifecycleJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, TypeInfo<T>());

    /// <summary>The value, or null when the file is missing, unreadable or not this shape (a value, not an exception: the CLI reports it).</summary>
    public static T? TryRead<T>(string path)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), TypeInfo<T>());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    // T must be one LifecycleJsonContext names (LifecycleState, HistoryEntry).
    private static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            TypeInfoResolver = LifecycleJsonContext.Default,
        };
        options.MakeReadOnly();
        return options;
    }
}
