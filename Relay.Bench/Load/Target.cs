using System.Diagnostics;

namespace Relay.Bench.Load;

/// <summary>
/// One path the workloads are measured through: clients dial 127.0.0.1:<see cref="Port"/>, which
/// leads to nginx. <see cref="StartAsync"/> starts its proxy processes (none for direct) and
/// returns them, so their RSS and CPU can be read and they can be stopped afterwards.
/// </summary>
internal sealed record Target(
    string Name,
    int Port,
    string Description,
    Func<CancellationToken, Task<IReadOnlyList<Process>>> StartAsync,
    Func<string?>? Caveat = null);
