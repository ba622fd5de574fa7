using System.Collections.Immutable;
using YamlDotNet.RepresentationModel;

namespace Relay.Core.Config.Yaml;

/// <summary>Node-level helpers shared by the mapping reader: scalars, lists, descriptions.</summary>
internal static class YamlNodes
{
    public static Located<T>? Scalar<T>(YamlNode node, string path, ScalarParser<T> parse, ConfigErrorSink errors)
    {
        var at = ConfigLocation.Of(node, path);
        if (node is not YamlScalarNode scalar)
        {
            errors.Add(at, $"expected a single value, got {Describe(node)}");
            return null;
        }
        if (!parse(scalar, out var value, out var error))
        {
            errors.Add(at, error ?? "invalid value");
            return null;
        }
        return new Located<T>(value, at);
    }

    public static ConfigList<T> List<T>(YamlNode node, string path, ScalarParser<T> parse, ConfigErrorSink errors) =>
        Items(node, path, (child, itemPath) => Scalar(child, itemPath, parse, errors), errors);

    /// <summary>A list whose items each go through <paramref name="readItem"/> (a scalar, or a mapping form).</summary>
    public static ConfigList<T> Items<T>(YamlNode node, string path, Func<YamlNode, string, Located<T>?> readItem, ConfigErrorSink errors)
    {
        if (node is not YamlSequenceNode sequence)
        {
            errors.Add(ConfigLocation.Of(node, path), $"expected a list (e.g. [a, b]), got {Describe(node)}");
            // Present but broken: an incomplete empty list, so "required" rules stay quiet.
            return new ConfigList<T>([], ConfigLocation.Of(node, path), Complete: false);
        }
        var items = ImmutableArray.CreateBuilder<Located<T>>(sequence.Children.Count);
        var complete = true;
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var child = sequence.Children[i];
            var itemPath = ConfigLocation.Item(path, i);
            var item = ScalarParsers.IsNull(child) ? Null<T>(child, itemPath, errors) : readItem(child, itemPath);
            if (item is null)
            {
                complete = false;
                continue;
            }
            items.Add(item);
        }
        return new ConfigList<T>(items.ToImmutable(), ConfigLocation.Of(node, path), complete);
    }

    private static Located<T>? Null<T>(YamlNode node, string path, ConfigErrorSink errors)
    {
        errors.Add(ConfigLocation.Of(node, path), "list item is empty");
        return null;
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when ScalarParsers.IsNull(node) => "an empty value",
        YamlScalarNode { Value: var v } => $"the value '{v}'",
        _ => "an alias",
    };
}
