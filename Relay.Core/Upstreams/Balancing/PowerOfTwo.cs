namespace Relay.Core.Upstreams.Balancing;

/// <summary>
/// The power of two choices (Mitzenmacher; Envoy's least_request with choice_count 2, tower's
/// p2c): two distinct random candidates, and the caller keeps the one of lower cost (the first
/// drawn on a tie). Near the best of all endpoints for two reads, without a herd onto one "best".
/// </summary>
internal static class PowerOfTwo
{
    public static (int First, int Second) Draw(ReadOnlySpan<int> candidates, Random random)
    {
        if (candidates.Length == 1)
        {
            return (candidates[0], candidates[0]);
        }
        var first = random.Next(candidates.Length);
        var second = random.Next(candidates.Length - 1);
        if (second >= first)
        {
            second++;
        }
        return (candidates[first], candidates[second]);
    }
}
