using Relay.Core.Config;
using Relay.Tests.Systemd;

namespace Relay.Tests.Config;

/// <summary>The sample errors the docs quote are what the loader really says (they drifted once: a key was added).</summary>
[Trait("Tier", "Unit")]
public sealed class DocumentedErrorTests
{
    [Fact]
    public void OperationsDoc_UnknownKeySample_ListsEveryTopLevelKey()
    {
        var path = Path.Combine(Path.GetTempPath(), $"relay-doc-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "mesh: { trust_domain: x.test }\nbogus: 1\n");
        try
        {
            var error = Assert.Single(ConfigLoader.LoadFile(path).Errors).ToString();
            var actual = error[error.IndexOf("known keys: ", StringComparison.Ordinal)..];

            var documented = File.ReadAllLines(RepoFiles.PathOf("docs/operations.md"))
                .Where(l => l.Contains("unknown key 'bogus'; known keys: ", StringComparison.Ordinal))
                .Select(l => l[l.IndexOf("known keys: ", StringComparison.Ordinal)..].TrimEnd())
                .ToList();
            Assert.NotEmpty(documented);
            Assert.All(documented, d => Assert.Equal(actual, d));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
