using YamlDotNet.RepresentationModel;

namespace Relay.Core.Config;

/// <summary>Where a value sits in mesh.yaml: 1-based line and column plus its key path.</summary>
internal readonly record struct ConfigLocation(int Line, int Column, string KeyPath)
{
    public static ConfigLocation Root { get; } = new(1, 1, "");

    public static ConfigLocation Of(YamlNode node, string keyPath) =>
        new((int)node.Start.Line, (int)node.Start.Column, keyPath);

    /// <summary>Same position, path extended by a key: used for keys that are absent.</summary>
    public ConfigLocation Child(string key) => this with { KeyPath = Join(KeyPath, key) };

    public static string Join(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    public static string Item(string parent, int index) => $"{parent}[{index}]";
}
