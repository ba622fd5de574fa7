namespace Relay.Core.Config;

/// <summary>The file a snapshot came from: its path, text and revision (content hash).</summary>
internal sealed record ConfigSource(string Path, string Text, string Revision);
