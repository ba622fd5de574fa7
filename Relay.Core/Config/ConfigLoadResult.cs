namespace Relay.Core.Config;

/// <summary>The outcome of loading mesh.yaml: a snapshot, or every error found (never both).</summary>
public sealed record ConfigLoadResult(ConfigSnapshot? Snapshot, IReadOnlyList<ConfigError> Errors)
{
    public bool IsValid => Snapshot is not null && Errors.Count == 0;

    internal static ConfigLoadResult Valid(ConfigSnapshot snapshot) => new(snapshot, []);

    internal static ConfigLoadResult Invalid(IReadOnlyList<ConfigError> errors) => new(null, errors);
}
