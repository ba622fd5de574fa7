using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relay.Core.Vocabulary;

/// <summary>
/// Enum values as snake_case words ("rejected") in every JSON document (the admin API, the state
/// file), AOT-safe: the generic converter, named by an attribute on the enum, so no options object
/// needs to know the type.
/// </summary>
internal sealed class SnakeCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower)
    where TEnum : struct, Enum;
