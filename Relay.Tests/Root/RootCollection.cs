namespace Relay.Tests.Root;

/// <summary>
/// Root-tier tests run one at a time: each starts up to two dotnet daemons, and running several topologies
/// at once on a shared 2-core VM turns timing bounds (ready, drain) into flakes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RootCollection
{
    public const string Name = "Root";
}
