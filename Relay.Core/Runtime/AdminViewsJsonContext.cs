using System.Text.Json;
using System.Text.Json.Serialization;
using Relay.Core.Mtls;

namespace Relay.Core.Runtime;

/// <summary>
/// Compile-time JSON metadata for every document the admin API serves. NativeAOT disables
/// reflection-based serialization (and the trimmer removes the metadata it would need), so a type
/// missing here is a 500 from /config, /clusters or /certs, not a guess: add it when adding a view.
/// It lives beside the views (Runtime), and DaemonHost hands it to the admin server through
/// AdminEndpoints.Json, so Admin does not depend on Runtime (NamespaceCycleTests).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RunningConfigView))]
[JsonSerializable(typeof(CertificatesView))]
[JsonSerializable(typeof(List<ClusterView>))]
[JsonSerializable(typeof(Relay.Core.Observability.TrafficView))]
internal sealed partial class AdminViewsJsonContext : JsonSerializerContext;
