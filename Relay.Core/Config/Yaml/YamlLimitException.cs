using YamlDotNet.Core;

namespace Relay.Core.Config.Yaml;

/// <summary>
/// Thrown by <see cref="YamlEventGuard"/> from inside YamlStream.Load, whose recursive node
/// builder has no other way to be stopped; <see cref="YamlDocumentLoader"/> catches it at once
/// and turns it into one positioned error. It never leaves the loader.
/// </summary>
internal sealed class YamlLimitException(Mark start, string keyPath, string message) : Exception(message)
{
    public Mark Start { get; } = start;

    public string KeyPath { get; } = keyPath;
}
