using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relay.Core.Lifecycle;

/// <summary>Compile-time JSON metadata for the state directory's files (trim- and AOT-safe; NativeAOT has no reflection serializer).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LifecycleState))]
[JsonSerializable(typeof(HistoryEntry))]
internal sealed partial class LifecycleJsonContext : JsonSerializerContext;
