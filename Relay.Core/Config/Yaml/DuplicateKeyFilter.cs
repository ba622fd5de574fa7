using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Relay.Core.Config.Yaml;

/// <summary>
/// Sits between YamlDotNet's parser and its representation model. YamlMappingNode throws on
/// the first duplicate key, which would hide every other error in the file; this filter reports
/// each duplicate (with where the first one was) and drops it with its value, so loading goes on.
/// It also tracks where in the document each event sits, so a syntax error can say where it
/// happened, and hands every event (dropped ones too) to the <see cref="YamlEventGuard"/> before
/// the representation model sees it.
/// </summary>
internal sealed class DuplicateKeyFilter(IParser inner, ConfigErrorSink errors) : IParser
{
    private readonly YamlEventGuard _guard = new(errors);
    private readonly Stack<YamlFrame> _frames = new();

    public ParsingEvent? Current => inner.Current;

    /// <summary>Key path of the collection being parsed; "" at the document root.</summary>
    public string CurrentPath => _frames.TryPeek(out var top) ? top.At.Path() : "";

    public bool MoveNext()
    {
        while (inner.MoveNext())
        {
            var current = inner.Current!;
            if (IsDuplicateKey(current, out var key))
            {
                SkipValue(key);
                continue;
            }
            var slot = Claim(current);
            _guard.Inspect(current, _frames.Count, slot, building: true);
            Track(current, slot);
            return true;
        }
        return false;
    }

    private bool IsDuplicateKey(ParsingEvent current, out YamlSlot slot)
    {
        slot = default;
        if (current is not Scalar key || !_frames.TryPeek(out var frame) || !frame.IsMapping || !frame.ExpectsKey)
        {
            return false;
        }
        if (frame.SeenKeys.TryAdd(key.Value, key.Start))
        {
            return false;
        }
        slot = new YamlSlot(frame, key.Value, -1);
        var first = frame.SeenKeys[key.Value];
        var at = new ConfigLocation((int)key.Start.Line, (int)key.Start.Column, slot.Path());
        errors.Add(at, $"duplicate key '{key.Value}' (first given at line {first.Line}, column {first.Column})");
        return true;
    }

    /// <summary>Drops a duplicate key's value; its events are still guarded (a deep value is as costly dropped as kept).</summary>
    private void SkipValue(YamlSlot slot)
    {
        var depth = 0;
        do
        {
            if (!inner.MoveNext())
            {
                return;
            }
            _guard.Inspect(inner.Current!, _frames.Count + depth, slot, building: false);
            depth += inner.Current!.NestingIncrease;
        }
        while (depth > 0);
    }

    private void Track(ParsingEvent current, YamlSlot slot)
    {
        switch (current)
        {
            case DocumentStart:
                _frames.Clear();
                break;
            case MappingStart:
                _frames.Push(new YamlFrame(slot, isMapping: true));
                break;
            case SequenceStart:
                _frames.Push(new YamlFrame(slot, isMapping: false));
                break;
            case MappingEnd or SequenceEnd:
                _frames.TryPop(out _);
                break;
        }
    }

    /// <summary>Advances the enclosing collection past one node and returns where that node sits.</summary>
    private YamlSlot Claim(ParsingEvent current)
    {
        if (current is not (NodeEvent or AnchorAlias) || !_frames.TryPeek(out var parent))
        {
            return YamlSlot.Root;
        }
        if (!parent.IsMapping)
        {
            return new YamlSlot(parent, null, parent.NextIndex++);
        }
        if (parent.ExpectsKey)
        {
            parent.ExpectsKey = false;
            // A non-scalar key has no name; the representation model still loads it and the
            // mapping reader reports it, so "?" only has to be readable in a syntax error.
            parent.CurrentKey = current is Scalar scalar ? scalar.Value : "?";
            return new YamlSlot(parent, parent.CurrentKey, -1);
        }
        parent.ExpectsKey = true;
        return new YamlSlot(parent, parent.CurrentKey, -1);
    }
}
