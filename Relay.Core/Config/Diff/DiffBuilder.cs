using System.Collections.Immutable;

namespace Relay.Core.Config.Diff;

/// <summary>Collects changes in the order the comparison visits keys.</summary>
internal sealed class DiffBuilder
{
    private readonly ImmutableArray<ConfigChange>.Builder _changes = ImmutableArray.CreateBuilder<ConfigChange>();

    public ImmutableArray<ConfigChange> Build() => _changes.ToImmutable();

    public void Field(string key, string before, string after)
    {
        if (!string.Equals(before, after, StringComparison.Ordinal))
        {
            _changes.Add(new ConfigChange(ChangeKind.Changed, key, before, after));
        }
    }

    public void Added(string key, string summary) => _changes.Add(new ConfigChange(ChangeKind.Added, key, null, summary));

    public void Removed(string key, string summary) => _changes.Add(new ConfigChange(ChangeKind.Removed, key, summary, null));

    /// <summary>
    /// Items matched by key: removed ones in baseline order, then added ones in candidate order,
    /// then the ones on both sides compared field by field (in candidate order). A key that occurs
    /// twice on one side (two backends on the same subset) gets <c>#2</c>, <c>#3</c>, ... after it.
    /// </summary>
    public void Keyed<T>(string parent, IReadOnlyList<T> before, IReadOnlyList<T> after, Func<T, string> key, Func<T, string> summary, Action<DiffBuilder, string, T, T> compare)
    {
        var old = Index(before, key);
        var now = Index(after, key);
        foreach (var (name, item) in old.Where(o => !now.ContainsKey(o.Key)))
        {
            Removed($"{parent}[{name}]", summary(item));
        }
        foreach (var (name, item) in now.Where(n => !old.ContainsKey(n.Key)))
        {
            Added($"{parent}[{name}]", summary(item));
        }
        foreach (var (name, item) in now)
        {
            if (old.TryGetValue(name, out var previous))
            {
                compare(this, $"{parent}[{name}]", previous, item);
            }
        }
    }

    /// <summary>Reports a change of order among the keys both sides have (additions and removals are reported on their own).</summary>
    public void Order(string key, IEnumerable<string> before, IEnumerable<string> after)
    {
        var a = before.ToList();
        var b = after.ToList();
        var common = a.Intersect(b, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        var oldOrder = a.Where(common.Contains).ToList();
        var newOrder = b.Where(common.Contains).ToList();
        if (!oldOrder.SequenceEqual(newOrder, StringComparer.Ordinal))
        {
            _changes.Add(new ConfigChange(ChangeKind.Changed, $"{key} (order)", DiffValues.List(oldOrder), DiffValues.List(newOrder)));
        }
    }

    // Ordered by position in the list (a List of pairs, not a dictionary, keeps file order for output).
    private static OrderedIndex<T> Index<T>(IReadOnlyList<T> items, Func<T, string> key)
    {
        var index = new OrderedIndex<T>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var name = key(item);
            var count = seen[name] = seen.GetValueOrDefault(name) + 1;
            index.Add(count == 1 ? name : $"{name}#{count}", item);
        }
        return index;
    }

    private sealed class OrderedIndex<T> : List<KeyValuePair<string, T>>
    {
        private readonly Dictionary<string, T> _byKey = new(StringComparer.Ordinal);

        public void Add(string key, T value)
        {
            Add(new KeyValuePair<string, T>(key, value));
            _byKey[key] = value;
        }

        public bool ContainsKey(string key) => _byKey.ContainsKey(key);

        public bool TryGetValue(string key, out T value) => _byKey.TryGetValue(key, out value!);
    }
}
