using System.Diagnostics;
using System.Text;
using Relay.Core.Config;

namespace Relay.Tests.Config;

/// <summary>
/// A seeded, structure-aware mutator over the example mesh.yaml, run for a fixed time budget
/// (issue 17 "Also"): no input may throw out of the loader, and every error names a line and a
/// column. The seed is printed on failure so a crash reproduces.
/// </summary>
[Trait("Tier", "Unit")]
public sealed class ConfigFuzzTests
{
    // 20 s: long enough for ~5,000 mutants on this 2-core box under load (each load is ~1-4 ms),
    // short enough to run in every CI pass.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    private static readonly string[] Fragments =
    [
        "[", "]", "{", "}", ": ", "- ", "? ", "&a ", "*a", "*zz", "!!str ", "!!binary ", "!x ", "--- ", "...\n", "%YAML 1.2\n",
        "%TAG ! tag:x,2000:\n", "<<: *a\n", "\"", "'", "|\n", ">-\n", "#", "\t", "\r\n", "\u00a0", "\ufeff", "\0", "~", "null",
        "0x10", "1e9", "99999999999999999999", "-1", "spiffe://", "[::1]:", ":::", "1h", "0ms", "596h", "597h",
    ];

    [Fact]
    public void Load_MutatedExample_NeverThrows_EveryErrorPositioned()
    {
        var example = File.ReadAllText(Path.Combine(ConfigTestFiles.RepoRoot(), "systemd", "mesh.yaml"));
        var started = Stopwatch.GetTimestamp();
        var (runs, invalid) = (0, 0);
        for (var seed = 1; Stopwatch.GetElapsedTime(started) < Budget; seed++, runs++)
        {
            var text = Mutate(example, new Random(seed));
            ConfigLoadResult result;
            try
            {
                result = ConfigLoader.LoadText(text, "mesh.yaml");
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed}: {e}");
                throw;
            }
            Assert.True(result.IsValid || result.Errors.Count > 0, $"seed {seed}: invalid without an error");
            Assert.All(result.Errors, e => Assert.True(e.Line >= 1 && e.Column >= 1, $"seed {seed}: {e}"));
            invalid += result.IsValid ? 0 : 1;
        }
        Assert.True(runs >= 500, $"only {runs} mutants in {Budget}");
        Assert.True(invalid > runs / 2, $"only {invalid} of {runs} mutants were detected");
    }

    private static string Mutate(string text, Random random)
    {
        var s = new StringBuilder(text);
        for (var edits = random.Next(1, 6); edits > 0; edits--)
        {
            var at = random.Next(s.Length);
            switch (random.Next(6))
            {
                case 0:
                    s.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 1:
                    s.Remove(at, Math.Min(random.Next(1, 40), s.Length - at));
                    break;
                case 2:
                    // Copy a slice elsewhere: duplicate keys, sections and list items.
                    var from = random.Next(s.Length);
                    var slice = s.ToString(from, Math.Min(random.Next(1, 200), s.Length - from));
                    s.Insert(at, slice);
                    break;
                case 3:
                    var depth = random.Next(1, 300);
                    var open = random.Next(2) == 0 ? '[' : '{';
                    s.Insert(at, new string(open, depth) + new string(open == '[' ? ']' : '}', random.Next(depth + 1)));
                    break;
                case 4:
                    s.Insert(at, new string((char)random.Next(32, 127), random.Next(1, 70_000)));
                    break;
                default:
                    s[at] = (char)random.Next(0, 0x2FF);
                    break;
            }
        }
        return s.ToString();
    }
}
