using Relay.Core.Config;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class ConfigRobustnessTests
{
    // Enough mutations to hit the YAML scanner's odd corners (unclosed flows, stray indicators);
    // a load of the example costs ~2 ms in Debug, so this stays around a second.
    private const int Mutations = 400;

    private static readonly char[] Noise = [':', '[', ']', '{', '}', '-', '"', '\'', '&', '*', '!', '|', '>', '#', '\t', '\n', ' ', '?', ',', '%', '@', '`'];

    [Fact]
    public void Load_RandomlyCorruptedExample_NeverThrows()
    {
        var example = File.ReadAllText(Path.Combine(ConfigTestFiles.RepoRoot(), "systemd", "mesh.yaml"));
        var random = new Random(20240601);
        var invalid = 0;
        for (var i = 0; i < Mutations; i++)
        {
            var text = Mutate(example, random);
            var result = ConfigLoader.LoadText(text, "mesh.yaml");
            Assert.True(result.IsValid || result.Errors.Count > 0);
            Assert.All(result.Errors, e => Assert.True(e.Line >= 1 && e.Column >= 1, e.ToString()));
            invalid += result.IsValid ? 0 : 1;
        }
        Assert.True(invalid > Mutations / 2, $"only {invalid} of {Mutations} corruptions were detected");
    }

    private static string Mutate(string text, Random random)
    {
        var chars = text.ToCharArray();
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            chars[random.Next(chars.Length)] = Noise[random.Next(Noise.Length)];
        }
        return new string(chars);
    }
}
