using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Relay.Core.Net;
using Relay.Tls.Identity;

namespace Relay.Core.Admin;

/// <summary>
/// JSON settings for the admin API: a source-generated context (trim- and AOT-safe; the daemon's
/// is Runtime/AdminViewsJsonContext, given as <see cref="AdminEndpoints.Json"/>) plus converters that write addresses and identities as their text form (left to the
/// default, IPAddress exposes ScopeId, whose getter throws for IPv4).
/// </summary>
internal static class AdminJson
{
    /// <summary>The value's runtime type must be one the options' context names; otherwise NotSupportedException (a 500).</summary>
    public static byte[] Serialize(object value, JsonSerializerOptions options) => JsonSerializer.SerializeToUtf8Bytes(value, options.GetTypeInfo(value.GetType()));

    /// <summary>Options over <paramref name="resolver"/>; null resolves nothing (every document a 500).</summary>
    public static JsonSerializerOptions Create(IJsonTypeInfoResolver? resolver)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            // Snapshots may reference each other (route table → services); print each once.
            ReferenceHandler = ReferenceHandler.IgnoreCycles,
            TypeInfoResolver = resolver ?? JsonTypeInfoResolver.Combine(),
        };
        options.Converters.Add(new ToStringJsonConverter<IPAddress>());
        options.Converters.Add(new ToStringJsonConverter<NetEndpoint>());
        options.Converters.Add(new ToStringJsonConverter<SpiffeId>());
        options.Converters.Add(new ToStringJsonConverter<SpiffeIdPattern>());
        options.MakeReadOnly();
        return options;
    }
}
