using Relay.Core.Config;

namespace Relay.Tests.Support;

/// <summary>Compiles YAML written inline in a test, failing the test with every error if invalid.</summary>
internal static class TestConfigs
{
    public static ConfigSnapshot Load(string yaml)
    {
        var result = ConfigLoader.LoadText(yaml, "test.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Snapshot!;
    }
}
