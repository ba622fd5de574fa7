namespace Relay.Core.Config;

/// <summary>
/// One problem in mesh.yaml, positioned so an editor or a human can jump to it. Lines and
/// columns are 1-based as YamlDotNet reports them; 0:0 means the file as a whole (unreadable).
/// </summary>
public sealed record ConfigError(string File, int Line, int Column, string KeyPath, string Message)
{
    /// <summary>Key path of errors about the document itself (syntax, wrong root type).</summary>
    public const string RootPath = "(root)";

    /// <summary>Key path of errors about the file rather than its content (missing, unreadable).</summary>
    public const string FilePath = "(file)";

    public override string ToString() => $"{File}:{Line}:{Column}: {KeyPath}: {Message}";
}
