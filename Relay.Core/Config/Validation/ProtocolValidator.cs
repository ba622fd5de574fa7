using Relay.Core.Config.Reading;

namespace Relay.Core.Config.Validation;

/// <summary>
/// protocol: on inbound ports and services. http, http2 and grpc promise request-level handling
/// (per-request routing, metrics, errors) that this version's data path does not have yet, so they
/// are refused rather than silently proxied as TCP; auto detects and records the protocol.
/// </summary>
internal static class ProtocolValidator
{
    public static void Validate(MeshFileConfig file, ConfigErrorSink errors)
    {
        foreach (var port in file.Inbound)
        {
            NotYetServed(port.Protocol, errors);
        }
        foreach (var service in file.Services)
        {
            NotYetServed(service.Protocol, errors);
        }
    }

    private static void NotYetServed(Located<AppProtocol>? protocol, ConfigErrorSink errors)
    {
        if (protocol is { Value: AppProtocol.Http or AppProtocol.Http2 or AppProtocol.Grpc })
        {
            var word = ConfigWords.Protocols.First(p => p.Value == protocol.Value).Key;
            errors.Add(protocol.Location,
                $"protocol '{word}' needs Relay's HTTP path, which this version does not have yet; use 'tcp', or 'auto' (detects and records the protocol, forwards as TCP)");
        }
    }
}
