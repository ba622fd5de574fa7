using Relay.Core.Observability;

namespace Relay.Core.Admin;

/// <summary>
/// What the admin endpoints serve. Delegates are called per request, so they always see the
/// current snapshot; they run on Kestrel threads and must be thread-safe and quick.
/// </summary>
/// <param name="IsReady">/ready answers 200 only while this returns true.</param>
/// <param name="Metrics">/metrics renders this exporter.</param>
/// <param name="Config">/config serialises this object (the running revision and config).</param>
/// <param name="Clusters">/clusters; 404 when null or when it returns null.</param>
/// <param name="Certs">/certs; 404 when null or when it returns null.</param>
/// <param name="Stats">/stats and the dashboard's live feed; 404 when null.</param>
/// <param name="Json">Compile-time JSON metadata for every document the delegates return (NativeAOT has no reflection serializer).</param>
internal sealed record AdminEndpoints(
    Func<bool> IsReady,
    PrometheusExporter Metrics,
    Func<object> Config,
    Func<object?>? Clusters = null,
    Func<object?>? Certs = null,
    System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver? Json = null,
    Func<object?>? Stats = null);
