using System.Reflection;

namespace Relay.Bench.Load;

/// <summary>Build-time locations baked into the assembly by Relay.Bench.csproj (AssemblyMetadata).</summary>
internal static class BenchPaths
{
    public static string RepoRoot => Path.GetFullPath(Metadata("RepoRoot"));

    public static string Peers => Path.Combine(RepoRoot, "bench", "peers");

    private static string Metadata(string key) =>
        typeof(BenchPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"assembly metadata '{key}' missing; build Relay.Bench with its csproj");
}
