namespace Relay.Core.Runtime;

/// <summary>GET /clusters: one service's endpoints and their passive health.</summary>
internal sealed record ClusterView(string Service, IReadOnlyList<EndpointHealthView> Endpoints);

/// <summary>One endpoint of a <see cref="ClusterView"/>.</summary>
internal sealed record EndpointHealthView(string Address, int ConsecutiveFailures, bool Ejected);
