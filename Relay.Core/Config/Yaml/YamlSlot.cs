namespace Relay.Core.Config.Yaml;

/// <summary>
/// Where one node sits: its parent collection and its key or list index. The key path string is
/// built only when an error needs it: keeping one full path per nesting level was quadratic in
/// the depth (issue 17 §1).
/// </summary>
internal readonly record struct YamlSlot(YamlFrame? Parent, string? Key, int Index)
{
    public static YamlSlot Root { get; } = new(null, null, -1);

    public string Path()
    {
        if (Parent is null)
        {
            return "";
        }
        var prefix = Parent.At.Path();
        return Key is not null ? ConfigLocation.Join(prefix, Key) : ConfigLocation.Item(prefix, Index);
    }
}

/// <summary>One open mapping or sequence while the YAML is streamed.</summary>
internal sealed class YamlFrame(YamlSlot at, bool isMapping)
{
    public YamlSlot At { get; } = at;

    public bool IsMapping { get; } = isMapping;

    public Dictionary<string, YamlDotNet.Core.Mark> SeenKeys { get; } = new(StringComparer.Ordinal);

    public bool ExpectsKey { get; set; } = true;

    public string CurrentKey { get; set; } = "";

    public int NextIndex { get; set; }
}
