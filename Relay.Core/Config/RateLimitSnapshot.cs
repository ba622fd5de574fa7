namespace Relay.Core.Config;

/// <summary>A token bucket: <paramref name="PerSecond"/> tokens a second, holding at most <paramref name="Burst"/> (it starts full).</summary>
public sealed record RateLimitSnapshot(int PerSecond, int Burst);
