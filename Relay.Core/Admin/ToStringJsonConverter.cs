using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relay.Core.Admin;

/// <summary>Writes a value as its <see cref="object.ToString"/> text. The admin API only writes JSON.</summary>
internal sealed class ToStringJsonConverter<T> : JsonConverter<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException($"The admin API never reads {typeof(T).Name} from JSON.");

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value?.ToString());
}
