using System.Diagnostics;

namespace Relay.Bench.Load;

/// <summary>
/// One path the workloads are measured through: clients dial 127.0.0.1:<see cref="Port"/> (HTTP/1.1)
/// or <see cref="H2Port"/> (h2c, the h2load workload), which lead to nginx. <see cref="StartAsync"/>
/// starts its proxy processes (none for direct) and returns them, so their RSS and CPU can be read
/// and they can be stopped afterwards.
/// </summary>
internal sealed record Target(
    string Name,
    int Port,
    string Description,
    Func<CancellationToken, Task<IReadOnlyList<Process>>> StartAsync,
    Func<string?>? Caveat = null)
{
    /// <summary>Where h2load connects; null for targets that carry no HTTP/2 workload (L4).</summary>
    public int? H2Port { get; init; }

    public IReadOnlyList<Workload> Workloads { get; init; } = Workload.L4;

    public int PortFor(Workload workload) => workload.IsH2
        ? H2Port ?? throw new InvalidOperationException($"{Name} has no HTTP/2 port for {workload.Name}")
        : Port;
}
