namespace Relay.Core.Observability;

/// <summary>
/// Compares label sets without regard to tag order, and lets the dictionary be probed with the
/// measurement's <see cref="ReadOnlySpan{T}"/> of tags so the steady-state path allocates nothing.
/// </summary>
internal sealed class SeriesKeyComparer :
    IEqualityComparer<SeriesKey>,
    IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, SeriesKey>
{
    public static SeriesKeyComparer Instance { get; } = new();

    public bool Equals(SeriesKey x, SeriesKey y) => x.Hash == y.Hash && Equals((ReadOnlySpan<KeyValuePair<string, object?>>)x.Tags, y);

    public int GetHashCode(SeriesKey key) => key.Hash;

    /// <summary>
    /// Containment both ways with equal lengths: order-insensitive, and a span with a repeated
    /// tag name cannot match a key that lacks one of its names.
    /// </summary>
    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, SeriesKey other) =>
        alternate.Length == other.Tags.Length
        && ContainsAll(alternate, other.Tags)
        && ContainsAll(other.Tags, alternate);

    // Summing per-tag hashes makes the hash independent of tag order, matching Equals.
    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate)
    {
        var hash = 0;
        foreach (var tag in alternate)
        {
            hash = unchecked(hash + HashCode.Combine(StringComparer.Ordinal.GetHashCode(tag.Key), tag.Value?.GetHashCode() ?? 0));
        }
        return hash;
    }

    public SeriesKey Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate)
    {
        var tags = alternate.ToArray();
        Array.Sort(tags, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new SeriesKey(tags, GetHashCode(alternate));
    }

    private static bool ContainsAll(ReadOnlySpan<KeyValuePair<string, object?>> wanted, ReadOnlySpan<KeyValuePair<string, object?>> haystack)
    {
        foreach (var tag in wanted)
        {
            if (!Contains(haystack, tag))
            {
                return false;
            }
        }
        return true;
    }

    // Linear scan: Relay's instruments carry at most a few tags, where this beats any index.
    private static bool Contains(ReadOnlySpan<KeyValuePair<string, object?>> haystack, KeyValuePair<string, object?> tag)
    {
        foreach (var candidate in haystack)
        {
            if (string.Equals(candidate.Key, tag.Key, StringComparison.Ordinal) && Equals(candidate.Value, tag.Value))
            {
                return true;
            }
        }
        return false;
    }
}
