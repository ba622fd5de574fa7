using System.Text.Json;
using System.Text.Json.Serialization;
using Relay.Core.Mtls;
using Relay.Core.Runtime;

namespace Relay.Core.Admin;

/// <summary>
/// Compile-time JSON metadata for every document the admin API serves. NativeAOT disables
/// reflection-based serialization (and the trimmer removes the metadata it would need), so a type
/// missing here is a 500 from /config, /clusters or /certs, not a guess: add it when adding a view.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RunningConfigView))]
[JsonSerializable(typeof(CertificatesView))]
[JsonSerializable(typeof(List<ClusterView>))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
