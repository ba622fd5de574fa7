namespace Relay.Core.Upstreams;

/// <summary>
/// Locality-aware routing's arithmetic, Envoy's priority load with its overprovisioning factor
/// (1.4, Envoy's default and what Istio's locality failover relies on): the local zone's health is
/// 1.4 × its healthy share, capped at 100%, and takes that share of the traffic; the rest spills
/// to the other zones as far as their own health (× 1.4) covers it; when both together cover less
/// than all, the two shares are scaled to sum to 100%. So a zone with at least 72% of its endpoints
/// healthy keeps all of its callers' traffic, and below that it loses traffic in proportion.
/// </summary>
internal static class ZoneSpill
{
    /// <summary>Envoy's default overprovisioning_factor (140, in percent).</summary>
    public const double Overprovisioning = 1.4;

    /// <summary>The share (0–1) of picks that go to the local zone; 0 when neither tier has a healthy endpoint.</summary>
    public static double LocalShare(int healthyLocal, int local, int healthyRemote, int remote)
    {
        var localHealth = Health(healthyLocal, local);
        var remoteLoad = Math.Min(1 - localHealth, Health(healthyRemote, remote));
        var total = localHealth + remoteLoad;
        return total <= 0 ? 0 : localHealth / total;
    }

    private static double Health(int healthy, int count) => count == 0 ? 0 : Math.Min(1, Overprovisioning * healthy / count);
}
