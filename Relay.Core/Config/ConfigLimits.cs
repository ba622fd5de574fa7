namespace Relay.Core.Config;

/// <summary>
/// Bounds on mesh.yaml's shape, checked while the YAML is streamed and before any node is
/// built, so a hostile or broken file costs time and memory linear in its size (issue 17 §1).
/// docs/config.md and docs/security.md list them.
/// </summary>
public static class ConfigLimits
{
    /// <summary>
    /// A mesh.yaml for thousands of services stays well under 1 MiB; the cap stops a wrong
    /// path (/dev/zero, a log file) from being read into memory whole.
    /// </summary>
    public const int MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>
    /// The schema's deepest value is 4 collections down (root → services → a service →
    /// timeouts); 64 leaves room for YAML's own styles while keeping the representation
    /// model's recursion (one stack frame chain per level) far from the 1 MiB stack limit
    /// that 40,000 levels overflowed.
    /// </summary>
    public const int MaxNestingDepth = 64;

    /// <summary>
    /// The longest value the schema has is a file path (PATH_MAX = 4096 bytes on Linux); 64 Ki
    /// characters is 16 of those, and stops a multi-megabyte scalar being carried into errors
    /// and snapshots.
    /// </summary>
    public const int MaxScalarChars = 64 * 1024;
}
