using Relay.Bench.Hostile;

namespace Relay.Tests.Bench;

/// <summary>The flood's <c>--attacker-cpu</c>: the kernel's CPU lists, and when the attacker's CPU is really its own.</summary>
[Trait("Tier", "Unit")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CpuPartitionTests
{
    [Theory]
    [InlineData("0", new[] { 0 })]
    [InlineData("0-1", new[] { 0, 1 })]
    [InlineData("0-2,5,7-8", new[] { 0, 1, 2, 5, 7, 8 })]
    public void Parse_ReadsTheKernelsCpuListFormat(string list, int[] expected) =>
        Assert.Equal(expected, CpuPartition.Parse(list));

    [Fact]
    public void Problem_NoneWhenTheScenarioRunsOnlyOnTheOtherCpus() =>
        Assert.Null(CpuPartition.Problem(1, CpuPartition.Parse("0"), CpuPartition.Parse("0-1")));

    [Fact]
    public void Problem_NamesTheTasksetCommand_WhenTheScenarioMayAlsoRunOnTheAttackersCpu()
    {
        var problem = CpuPartition.Problem(1, CpuPartition.Parse("0-1"), CpuPartition.Parse("0-3"));

        Assert.NotNull(problem);
        Assert.Contains("taskset -c 0,2,3", problem);
    }

    [Fact]
    public void Problem_ACpuTheMachineDoesNotHave_OrItsOnlyOne()
    {
        Assert.Contains("CPUs are 0,1", CpuPartition.Problem(5, CpuPartition.Parse("0"), CpuPartition.Parse("0-1")));
        Assert.Contains("only CPU", CpuPartition.Problem(0, CpuPartition.Parse("0"), CpuPartition.Parse("0")));
    }

    [Fact]
    public void Online_IncludesTheCpusThisProcessMayUse() =>
        Assert.Superset(new SortedSet<int>(CpuPartition.Allowed()), new SortedSet<int>(CpuPartition.Online()));
}
