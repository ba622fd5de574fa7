using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Http;

/// <summary>mesh.yaml sections for the L7 loopback tests: one <c>mesh_tls: false</c> service behind an explicit outbound listener.</summary>
internal static class L7Relay
{
    /// <param name="limits">The inside of a <c>limits: { ... }</c> flow mapping, or empty.</param>
    /// <param name="service">More keys of the service's flow mapping (e.g. <c>timeouts: { idle: 1s }</c>), or empty.</param>
    /// <param name="extra">More top-level sections (e.g. <c>tracing:</c>), appended as given.</param>
    public static string Sections(string endpoint, string protocol, int listen, string limits = "", string service = "", string extra = "") =>
        (limits.Length > 0 ? $"limits: {{ {limits} }}\n" : "")
        + $"services:\n  app: {{ port: 80, endpoints: [\"{endpoint}\"], mesh_tls: false, protocol: {protocol}{(service.Length > 0 ? ", " + service : "")} }}\n"
        + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n"
        + extra;

    public static Task<LoopbackRelay> StartAsync(string endpoint, string protocol, out int listen, string limits = "", string service = "", string extra = "")
    {
        listen = FreePorts.Next();
        return LoopbackRelay.StartAsync(Sections(endpoint, protocol, listen, limits, service, extra), destination: null);
    }
}
