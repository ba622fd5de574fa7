using Relay.Core.Config;
using Relay.Daemon.Hosting;
using Relay.Tls.Identity;

namespace Relay.Tests.Architecture;

/// <summary>
/// The folders of Relay.Core, Relay.Tls and Relay.Daemon form a directed acyclic graph: the shared
/// vocabulary (CloseReason, Direction, ConnectionRecord) sits in a leaf, stages depend downwards.
/// </summary>
[Trait("Tier", "Unit")]
public sealed class NamespaceCycleTests
{
    private static NamespaceGraph Relay() =>
        NamespaceGraph.Of(typeof(ConfigSnapshot).Assembly, typeof(SpiffeId).Assembly, typeof(ConfigReloader).Assembly);

    [Fact]
    public void RelayNamespaces_HaveNoDependencyCycle()
    {
        var graph = Relay();
        var cycles = graph.Cycles();
        var message = string.Join("\n", cycles.Select(cycle =>
            "cycle: " + string.Join(" ↔ ", cycle) + "\n  " + string.Join("\n  ",
                cycle.SelectMany(from => graph.Edges.GetValueOrDefault(from)?
                    .Where(edge => cycle.Contains(edge.Key)).Select(edge => $"{from} → {edge.Key}: {edge.Value}") ?? []))));
        Assert.True(cycles.Count == 0, message);
    }

    [Fact]
    public void Vocabulary_IsALeaf()
    {
        var uses = Relay().Edges.GetValueOrDefault("Relay.Core.Vocabulary")?.Keys.Order(StringComparer.Ordinal).ToList() ?? [];
        // Typed addresses and the SPIFFE ID are the only things the vocabulary may name.
        Assert.All(uses, used => Assert.Contains(used, new[] { "Relay.Core.Net", "Relay.Tls.Identity" }));
    }

    [Fact]
    public void Graph_SeesDependenciesInsideMethodBodies()
    {
        // Guards the check itself: Config compiles a RouteTable and ConfigCompiler is its only user,
        // and the daemon reaches Relay.Core only through method bodies and signatures.
        var graph = Relay();
        Assert.Contains("Relay.Core.Config", graph.Edges["Relay.Daemon.Hosting"].Keys);
        Assert.Contains("Relay.Core.Net", graph.Edges["Relay.Core.Config"].Keys);
    }
}
