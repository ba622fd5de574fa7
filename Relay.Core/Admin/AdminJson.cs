using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Relay.Core.Runtime;
using Relay.Core.Net;
using Relay.Tls.Identity;

namespace Relay.Core.Admin;

/// <summary>
/// JSON settings for the admin API: the source-generated <see cref="AdminJsonContext"/> (trim- and
/// AOT-safe) plus converters that write addresses and identities as their text form (left to the
/// default, IPAddress exposes ScopeId, whose getter throws for IPv4).
/// </summary>
internal static class AdminJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>The value's runtime type must be one <see cref="AdminJsonContext"/> names; otherwise NotSupportedException (a 500).</summary>
    public static byte[] Serialize(object value) => JsonSerializer.SerializeToUtf8Bytes(value, Options.GetTypeInfo(value.GetType()));

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            // Snapshots may reference each other (route table → services); print each once.
            ReferenceHandler = ReferenceHandler.IgnoreCycles,
            TypeInfoResolver = AdminJsonContext.Default,
        };
        options.Converters.Add(new JsonStringEnumConverter<ReloadOutcome>(JsonNamingPolicy.SnakeCaseLower));
        options.Converters.Add(new ToStringJsonConverter<IPAddress>());
        options.Converters.Add(new ToStringJsonConverter<NetEndpoint>());
        options.Converters.Add(new ToStringJsonConverter<SpiffeId>());
        options.Converters.Add(new ToStringJsonConverter<SpiffeIdPattern>());
        options.MakeReadOnly();
        return options;
    }
}
