using Relay.Core.Net;

namespace Relay.Core.Config;

/// <summary>
/// One entry of a service's <c>endpoints</c>: the plain "ip:port" form, or the mapping form
/// <c>{address, labels, zone}</c>. Labels select subsets for routes; the zone is kept for
/// locality-aware balancing.
/// </summary>
internal sealed record EndpointConfig(
    Located<NetEndpoint> Address,
    IReadOnlyList<EndpointLabelConfig> Labels,
    Located<string>? Zone);

/// <summary>One <c>key: value</c> of an endpoint's labels, each side located for its own errors.</summary>
internal sealed record EndpointLabelConfig(Located<string> Key, Located<string> Value);
