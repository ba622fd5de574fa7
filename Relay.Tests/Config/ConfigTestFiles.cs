using Relay.Core.Config;

namespace Relay.Tests.Config;

/// <summary>Loading helpers: every test YAML is loaded as "mesh.yaml" so error files are predictable.</summary>
internal static class ConfigTestFiles
{
    public const string FileName = "mesh.yaml";

    /// <summary>The two lines every valid file needs; tests append their section after them (line 3 on).</summary>
    public const string MeshHeader = "mesh:\n  trust_domain: corp.example\n";

    public static ConfigLoadResult Load(string yaml) => ConfigLoader.LoadText(yaml, FileName);

    public static ConfigSnapshot Valid(string yaml)
    {
        var result = Load(yaml);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Empty(result.Errors);
        return result.Snapshot!;
    }

    public static ConfigError SingleError(string yaml)
    {
        var result = Load(yaml);
        Assert.False(result.IsValid);
        Assert.Null(result.Snapshot);
        return Assert.Single(result.Errors);
    }

    public static void AssertError(ConfigError error, int line, int column, string keyPath, string messagePart)
    {
        Assert.Equal(FileName, error.File);
        Assert.Equal((line, column, keyPath), (error.Line, error.Column, error.KeyPath));
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
    }

    /// <summary>The repository root: the nearest ancestor of the test binaries holding Relay.sln.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Relay.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"Relay.sln not found above {AppContext.BaseDirectory}");
    }
}
