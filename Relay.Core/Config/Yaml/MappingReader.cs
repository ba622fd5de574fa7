using YamlDotNet.RepresentationModel;

namespace Relay.Core.Config.Yaml;

/// <summary>
/// Typed, error-collecting access to one YAML mapping. Opening it reports unknown and
/// non-scalar keys; each getter reports a missing required key or a value of the wrong type
/// and returns null, so the caller keeps going and the user sees every error at once.
/// </summary>
internal sealed class MappingReader
{
    private readonly Dictionary<string, YamlNode> _values = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, YamlNode>> _inFileOrder = [];
    private readonly ConfigErrorSink _errors;

    private MappingReader(ConfigLocation location, ConfigErrorSink errors)
    {
        Location = location;
        _errors = errors;
    }

    public ConfigLocation Location { get; }

    public ConfigErrorSink Errors => _errors;

    /// <summary>Keys in file order with their values, for maps keyed by user names (services).</summary>
    public IReadOnlyList<KeyValuePair<string, YamlNode>> Entries => _inFileOrder;

    /// <summary>Opens a mapping; <paramref name="knownKeys"/> null accepts any key (user-named maps).</summary>
    public static MappingReader? Open(YamlNode node, string path, ConfigErrorSink errors, IReadOnlyCollection<string>? knownKeys)
    {
        if (node is not YamlMappingNode mapping)
        {
            errors.Add(ConfigLocation.Of(node, path), $"expected a mapping (key: value), got {YamlNodes.Describe(node)}");
            return null;
        }
        var reader = new MappingReader(ConfigLocation.Of(node, path), errors);
        foreach (var (key, value) in mapping.Children)
        {
            reader.AddEntry(key, value, knownKeys);
        }
        return reader;
    }

    private void AddEntry(YamlNode key, YamlNode value, IReadOnlyCollection<string>? knownKeys)
    {
        if (key is not YamlScalarNode { Value: { } name })
        {
            _errors.Add(ConfigLocation.Of(key, Location.KeyPath), $"keys must be plain words, got {YamlNodes.Describe(key)}");
            return;
        }
        if (knownKeys is not null && !knownKeys.Contains(name))
        {
            var suggestion = KeySuggester.Suggest(name, knownKeys);
            var hint = suggestion is null ? $"known keys: {string.Join(", ", knownKeys)}" : $"did you mean '{suggestion}'?";
            _errors.Add(ConfigLocation.Of(key, ConfigLocation.Join(Location.KeyPath, name)), $"unknown key '{name}'; {hint}");
            return;
        }
        _values[name] = value;
        _inFileOrder.Add(new KeyValuePair<string, YamlNode>(name, value));
    }

    public string PathOf(string key) => ConfigLocation.Join(Location.KeyPath, key);

    /// <summary>The value node, or null when absent or YAML null; reports a missing required key.</summary>
    public YamlNode? Node(string key, bool required = false)
    {
        if (_values.TryGetValue(key, out var node) && !ScalarParsers.IsNull(node))
        {
            return node;
        }
        if (required)
        {
            _errors.Add(Location.Child(key), "required key is missing or empty");
        }
        return null;
    }

    public Located<T>? Scalar<T>(string key, ScalarParser<T> parse, bool required = false) =>
        Node(key, required) is { } node ? YamlNodes.Scalar(node, PathOf(key), parse, _errors) : null;

    public Located<string>? String(string key, bool required = false) => Scalar<string>(key, ScalarParsers.String, required);

    public Located<int>? Int(string key, bool required = false) => Scalar<int>(key, ScalarParsers.Int, required);

    public Located<bool>? Bool(string key) => Scalar<bool>(key, ScalarParsers.Bool);

    public ConfigList<T>? List<T>(string key, ScalarParser<T> parse, bool required = false) =>
        Node(key, required) is { } node ? YamlNodes.List(node, PathOf(key), parse, _errors) : null;

    public MappingReader? Mapping(string key, IReadOnlyCollection<string> knownKeys, bool required = false) =>
        Node(key, required) is { } node ? Open(node, PathOf(key), _errors, knownKeys) : null;

    /// <summary>The items of a list of mappings (inbound ports), each opened with its path.</summary>
    public IReadOnlyList<MappingReader> MappingList(string key, IReadOnlyCollection<string> knownKeys)
    {
        if (Node(key) is not { } node)
        {
            return [];
        }
        if (node is not YamlSequenceNode sequence)
        {
            _errors.Add(ConfigLocation.Of(node, PathOf(key)), $"expected a list, got {YamlNodes.Describe(node)}");
            return [];
        }
        var items = new List<MappingReader>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (Open(sequence.Children[i], ConfigLocation.Item(PathOf(key), i), _errors, knownKeys) is { } item)
            {
                items.Add(item);
            }
        }
        return items;
    }
}
