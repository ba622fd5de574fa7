using Relay.Core.Net;

namespace Relay.Core.Config;

/// <summary>The admin HTTP endpoint (/live, /ready, /metrics, /config).</summary>
public sealed record AdminSnapshot(NetEndpoint Address);
