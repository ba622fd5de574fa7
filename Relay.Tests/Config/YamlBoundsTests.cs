using System.Diagnostics;
using Relay.Core.Config;
using Relay.Core.Config.Yaml;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

/// <summary>
/// Hostile mesh.yaml shapes (issue 17 §1): each is rejected quickly, with a position, and with
/// memory linear in the file's size. Before the bounds, 10,000 nested '[' took 2.5 s and 347 MB
/// and 40,000 overflowed the stack.
/// </summary>
[Trait("Tier", "Unit")]
public sealed class YamlBoundsTests
{
    // The requirement is "rejected in under a second"; the load itself is milliseconds, so this
    // only fails when the work is superlinear (as it was), not because the machine is busy.
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(10_000)]
    [InlineData(40_000)]
    public void Load_DeepFlowNesting_RejectedAtDepthLimitWithPosition(int depth)
    {
        var yaml = "mesh: {trust_domain: x.test}\nbogus: " + new string('[', depth) + new string(']', depth) + "\n";

        var (result, elapsed, allocated) = Measure(yaml);

        var error = Assert.Single(result.Errors);
        // Depth 1 is the document's root mapping, 2 the value of bogus; the 65th collection is
        // the 64th '[' at column 8 + 63.
        Assert.Equal((2, 8 + ConfigLimits.MaxNestingDepth - 1), (error.Line, error.Column));
        Assert.StartsWith("bogus", error.KeyPath, StringComparison.Ordinal);
        Assert.Contains($"nested deeper than {ConfigLimits.MaxNestingDepth} levels", error.Message, StringComparison.Ordinal);
        Assert.True(elapsed < Quick, $"took {elapsed}");
        Assert.True(allocated < 64 * yaml.Length + (4 << 20), $"allocated {allocated:N0} bytes for a {yaml.Length:N0}-byte file");
    }

    [Fact]
    public void Load_DeepBlockNesting_RejectedAtDepthLimit()
    {
        var lines = Enumerable.Range(0, 200).Select(i => new string(' ', i + 2) + $"k{i}:");
        var error = SingleError(MeshHeader + "bogus:\n" + string.Join("\n", lines) + " 1\n");

        Assert.Contains("nested deeper than", error.Message, StringComparison.Ordinal);
        // k0 opens depth 2 on line 4, so depth 65 is k63's mapping on line 67.
        Assert.Equal(3 + ConfigLimits.MaxNestingDepth, error.Line);
    }

    [Fact]
    public void Load_NestingAtTheLimit_IsNotANestingError()
    {
        // Depth 64 in all: the root mapping, bogus's value and 62 more lists.
        var inner = ConfigLimits.MaxNestingDepth - 1;
        var error = SingleError("mesh: {trust_domain: x.test}\nbogus: " + new string('[', inner) + new string(']', inner) + "\n");

        Assert.Contains("unknown key 'bogus'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DeepValueOfDuplicateKey_StillBounded()
    {
        var yaml = "mesh: {trust_domain: x.test}\nmesh: " + new string('[', 40_000) + new string(']', 40_000) + "\n";

        var (result, elapsed, _) = Measure(yaml);

        Assert.Contains(result.Errors, e => e.Message.Contains("nested deeper than", StringComparison.Ordinal));
        Assert.True(elapsed < Quick, $"took {elapsed}");
    }

    [Fact]
    public void Load_LongLine_RejectedWithPositionBeforeParsing()
    {
        var yaml = "mesh: {trust_domain: x.test}\nadmin: { address: " + new string('a', 3 << 20) + " }\n";

        var (result, elapsed, _) = Measure(yaml);

        var error = Assert.Single(result.Errors);
        Assert.Equal((2, LineLengthCheck.MaxLineChars + 1), (error.Line, error.Column));
        Assert.Contains($"line is longer than {LineLengthCheck.MaxLineChars} characters", error.Message, StringComparison.Ordinal);
        Assert.True(elapsed < Quick, $"took {elapsed}");
    }

    [Fact]
    public void Load_LongMultiLineScalar_RejectedAtItsPosition()
    {
        // Lines short enough to pass the line check, folded into one 100,000-character value.
        var folded = string.Concat(Enumerable.Repeat("\n    " + new string('a', 999), 100));
        var yaml = "mesh: {trust_domain: x.test}\nadmin:\n  address: \"" + folded + "\"\n";

        var error = Assert.Single(Load(yaml).Errors, e => e.Message.Contains("characters long", StringComparison.Ordinal));

        Assert.Equal((3, 12, "admin.address"), (error.Line, error.Column, error.KeyPath));
        Assert.Contains($"the limit is {ConfigLimits.MaxScalarChars}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a\nb\n", 0)]
    [InlineData("a\r\nb", 0)]
    public void FirstTooLong_ShortLines_Zero(string text, int expected) =>
        Assert.Equal(expected, LineLengthCheck.FirstTooLong(text));

    [Fact]
    public void FirstTooLong_CountsCrLfAsOneBreak()
    {
        var text = "a\r\nb\rc\n" + new string('x', LineLengthCheck.MaxLineChars + 1);

        Assert.Equal(4, LineLengthCheck.FirstTooLong(text));
        Assert.Equal(0, LineLengthCheck.FirstTooLong(new string('x', LineLengthCheck.MaxLineChars)));
    }

    [Fact]
    public void Load_TextLargerThanFileLimit_Rejected()
    {
        var result = Load(MeshHeader + "# " + new string('x', ConfigLimits.MaxFileBytes) + "\n");

        var error = Assert.Single(result.Errors);
        Assert.Contains($"larger than {ConfigLimits.MaxFileBytes} bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_HugeFile_RejectedBeforeParsing()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("relay-huge-").FullName, "mesh.yaml");
        File.WriteAllText(path, MeshHeader + "bogus: " + new string('a', 5 << 20) + "\n");
        try
        {
            var started = Stopwatch.GetTimestamp();
            var result = ConfigLoader.LoadFile(path);

            Assert.Contains("larger than", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
            Assert.True(Stopwatch.GetElapsedTime(started) < Quick);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    private static (ConfigLoadResult Result, TimeSpan Elapsed, long Allocated) Measure(string yaml)
    {
        Load(MeshHeader); // JIT the loader first, so the timing is the input's and not the runtime's
        var before = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        var result = Load(yaml);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Assert.False(result.IsValid);
        return (result, elapsed, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
