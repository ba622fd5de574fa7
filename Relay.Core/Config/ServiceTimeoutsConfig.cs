namespace Relay.Core.Config;

/// <summary>mesh.yaml <c>services.NAME.timeouts</c>: per-service overrides of <c>limits</c>.</summary>
internal sealed record ServiceTimeoutsConfig(ConfigLocation Location, Located<TimeSpan>? Connect, Located<TimeSpan>? Idle);
