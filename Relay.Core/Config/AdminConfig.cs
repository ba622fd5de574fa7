using Relay.Core.Net;

namespace Relay.Core.Config;

/// <summary>mesh.yaml <c>admin</c>: where the admin HTTP endpoint listens.</summary>
internal sealed record AdminConfig(ConfigLocation Location, Located<NetEndpoint>? Address)
{
    public static AdminConfig Empty(ConfigLocation at) => new(at, null);
}
