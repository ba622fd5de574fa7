using Relay.Core.Config.Reading;

namespace Relay.Core.Config.Validation;

/// <summary>
/// protocol: on inbound ports and services. http, http2 and grpc promise request-level handling
/// (per-request forwarding, errors, metrics). This version's HTTP path serves outbound calls to
/// services reached without mesh TLS; on an inbound port or a mesh-TLS service those values are
/// refused rather than silently carried as TCP. auto is accepted everywhere: it detects, uses the
/// HTTP path where one exists and records what it saw.
/// </summary>
internal static class ProtocolValidator
{
    public static void Validate(MeshFileConfig file, ConfigErrorSink errors)
    {
        foreach (var port in file.Inbound)
        {
            NotServed(port.Protocol, "on an inbound port (inbound HTTP is not built yet)", errors);
        }
        foreach (var service in file.Services)
        {
            var meshTls = (service.MeshTls?.Value ?? ConfigDefaults.MeshTls) && file.Tls is not null;
            if (meshTls)
            {
                NotServed(service.Protocol, "on a service reached over mesh TLS (HTTP/2 between Relays is not built yet; mesh_tls: false services are served)", errors);
            }
        }
    }

    private static void NotServed(Located<AppProtocol>? protocol, string where, ConfigErrorSink errors)
    {
        if (protocol is { Value: AppProtocol.Http or AppProtocol.Http2 or AppProtocol.Grpc })
        {
            var word = ConfigWords.Protocols.First(p => p.Value == protocol.Value).Key;
            errors.Add(protocol.Location,
                $"protocol '{word}' needs Relay's HTTP path, which this version does not have {where}; use 'tcp', or 'auto' (detects and records the protocol, forwards as TCP there)");
        }
    }
}
