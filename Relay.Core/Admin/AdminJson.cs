using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Relay.Core.Net;
using Relay.Tls.Identity;

namespace Relay.Core.Admin;

/// <summary>
/// JSON settings for the admin API. Addresses and identities are written as their text form:
/// left to reflection, IPAddress exposes ScopeId, whose getter throws for IPv4.
/// </summary>
internal static class AdminJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static byte[] Serialize(object value) => JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), Options);

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            // Snapshots may reference each other (route table → services); print each once.
            ReferenceHandler = ReferenceHandler.IgnoreCycles,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.Converters.Add(new ToStringJsonConverter<IPAddress>());
        options.Converters.Add(new ToStringJsonConverter<NetEndpoint>());
        options.Converters.Add(new ToStringJsonConverter<SpiffeId>());
        options.Converters.Add(new ToStringJsonConverter<SpiffeIdPattern>());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
