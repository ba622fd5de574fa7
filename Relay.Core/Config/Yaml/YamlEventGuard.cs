using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Relay.Core.Config.Yaml;

/// <summary>
/// Looks at every parser event before a node is built from it (issue 17 §1, §8): nesting past
/// <see cref="ConfigLimits.MaxNestingDepth"/> and an alias with no anchor stop the load;
/// an over-long scalar and any YAML tag are reported and loading goes on, so the other errors
/// in the file still show.
/// </summary>
internal sealed class YamlEventGuard(ConfigErrorSink errors)
{
    // YamlDotNet expands the '!!' handle; the error shows what the user wrote.
    private const string CoreSchemaPrefix = "tag:yaml.org,2002:";

    private readonly HashSet<string> _anchors = new(StringComparer.Ordinal);

    /// <param name="depth">Collections open before this event.</param>
    /// <param name="building">False inside a dropped duplicate's value: its anchors do not exist for later aliases.</param>
    public void Inspect(ParsingEvent current, int depth, YamlSlot slot, bool building)
    {
        if (current is NodeEvent node)
        {
            Check(node, depth, slot);
            if (building && !node.Anchor.IsEmpty)
            {
                _anchors.Add(node.Anchor.Value);
            }
        }
        else if (current is AnchorAlias alias && !_anchors.Contains(alias.Value.Value))
        {
            throw new YamlLimitException(alias.Start, slot.Path(), $"alias '*{alias.Value.Value}' refers to no anchor defined before it");
        }
    }

    private void Check(NodeEvent node, int depth, YamlSlot slot)
    {
        if (node is MappingStart or SequenceStart && depth >= ConfigLimits.MaxNestingDepth)
        {
            throw new YamlLimitException(node.Start, slot.Path(),
                $"collections nested deeper than {ConfigLimits.MaxNestingDepth} levels; mesh.yaml needs at most 5");
        }
        if (!node.Tag.IsEmpty)
        {
            errors.Add(At(node, slot), $"YAML tag '{Shown(node.Tag.Value)}' is not supported; write the plain value (mesh.yaml reads every value by its key)");
        }
        if (node is Scalar { Value.Length: > ConfigLimits.MaxScalarChars } scalar)
        {
            errors.Add(At(node, slot), $"value is {scalar.Value.Length} characters long; the limit is {ConfigLimits.MaxScalarChars}");
        }
    }

    private static ConfigLocation At(NodeEvent node, YamlSlot slot) => new((int)node.Start.Line, (int)node.Start.Column, slot.Path());

    private static string Shown(string tag) => tag.StartsWith(CoreSchemaPrefix, StringComparison.Ordinal) ? "!!" + tag[CoreSchemaPrefix.Length..] : tag;
}
