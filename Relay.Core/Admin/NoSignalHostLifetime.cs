using Microsoft.Extensions.Hosting;

namespace Relay.Core.Admin;

/// <summary>
/// Replaces the default ConsoleLifetime, which would register its own SIGTERM/SIGINT handlers:
/// the daemon owns signals (drain on SIGTERM) and stops the admin server itself.
/// </summary>
internal sealed class NoSignalHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
