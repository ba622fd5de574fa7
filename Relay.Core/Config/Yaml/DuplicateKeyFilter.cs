using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Relay.Core.Config.Yaml;

/// <summary>
/// Sits between YamlDotNet's parser and its representation model. YamlMappingNode throws on
/// the first duplicate key, which would hide every other error in the file; this filter reports
/// each duplicate (with where the first one was) and drops it with its value, so loading goes on.
/// It also tracks the key path being parsed, so a syntax error can say where it happened.
/// </summary>
internal sealed class DuplicateKeyFilter(IParser inner, ConfigErrorSink errors) : IParser
{
    private readonly Stack<Frame> _frames = new();

    public ParsingEvent? Current => inner.Current;

    /// <summary>Key path of the collection being parsed; "" at the document root.</summary>
    public string CurrentPath => _frames.Count == 0 ? "" : _frames.Peek().Path;

    public bool MoveNext()
    {
        while (inner.MoveNext())
        {
            var current = inner.Current!;
            if (!IsDuplicateKey(current))
            {
                Track(current);
                return true;
            }
            SkipValue();
        }
        return false;
    }

    private bool IsDuplicateKey(ParsingEvent current)
    {
        if (current is not Scalar key || !_frames.TryPeek(out var frame) || !frame.IsMapping || !frame.ExpectsKey)
        {
            return false;
        }
        if (frame.SeenKeys.TryAdd(key.Value, key.Start))
        {
            return false;
        }
        var first = frame.SeenKeys[key.Value];
        var at = new ConfigLocation((int)key.Start.Line, (int)key.Start.Column, ConfigLocation.Join(frame.Path, key.Value));
        errors.Add(at, $"duplicate key '{key.Value}' (first given at line {first.Line}, column {first.Column})");
        return true;
    }

    private void SkipValue()
    {
        if (!inner.MoveNext())
        {
            return;
        }
        var depth = inner.Current!.NestingIncrease;
        while (depth > 0 && inner.MoveNext())
        {
            depth += inner.Current!.NestingIncrease;
        }
    }

    private void Track(ParsingEvent current)
    {
        switch (current)
        {
            case DocumentStart:
                _frames.Clear();
                break;
            case MappingStart:
                _frames.Push(new Frame(ClaimSlot(null), IsMapping: true));
                break;
            case SequenceStart:
                _frames.Push(new Frame(ClaimSlot(null), IsMapping: false));
                break;
            case MappingEnd or SequenceEnd:
                _frames.TryPop(out _);
                break;
            case Scalar scalar:
                ClaimSlot(scalar.Value);
                break;
            case AnchorAlias:
                ClaimSlot(null);
                break;
        }
    }

    /// <summary>Advances the enclosing collection past one node and returns that node's path.</summary>
    private string ClaimSlot(string? scalarValue)
    {
        if (!_frames.TryPeek(out var parent))
        {
            return "";
        }
        if (!parent.IsMapping)
        {
            return ConfigLocation.Item(parent.Path, parent.NextIndex++);
        }
        if (parent.ExpectsKey)
        {
            parent.ExpectsKey = false;
            // A non-scalar key has no name; the representation model still loads it and the
            // mapping reader reports it, so "?" only has to be readable in a syntax error.
            parent.CurrentKey = scalarValue ?? "?";
            return ConfigLocation.Join(parent.Path, parent.CurrentKey);
        }
        parent.ExpectsKey = true;
        return ConfigLocation.Join(parent.Path, parent.CurrentKey);
    }

    private sealed record Frame(string Path, bool IsMapping)
    {
        public Dictionary<string, Mark> SeenKeys { get; } = new(StringComparer.Ordinal);

        public bool ExpectsKey { get; set; } = true;

        public string CurrentKey { get; set; } = "";

        public int NextIndex { get; set; }
    }
}
