using Relay.Core.Net;

namespace Relay.Core.Config;

/// <summary>mesh.yaml <c>discovery</c>: how the services with <c>dns:</c>/<c>srv:</c> are resolved.</summary>
internal sealed record DiscoveryConfig(
    ConfigLocation Location,
    ConfigList<NetEndpoint>? Resolvers,
    Located<TimeSpan>? MinTtl,
    Located<TimeSpan>? MaxTtl,
    Located<TimeSpan>? QueryTimeout);
