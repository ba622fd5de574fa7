using Microsoft.Extensions.Logging;
using Relay.Core.Net;

namespace Relay.Core.Admin;

/// <summary>
/// The admin server at whatever address the running config names. A reload that moves
/// <c>admin.address</c> binds the new address first (<see cref="OpenAsync"/>, before the swap) and
/// stops the old one only after (<see cref="CloseExceptAsync"/>), so some address always answers
/// /ready: the same open-then-close order as the proxy listeners.
/// </summary>
internal sealed class AdminListener(AdminEndpoints endpoints, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly Dictionary<NetEndpoint, AdminServer> _servers = [];

    /// <summary>The addresses served now (two only between the steps of a move).</summary>
    public IReadOnlyCollection<NetEndpoint> Addresses => _servers.Keys;

    /// <summary>Binds <paramref name="address"/> unless it is served already.</summary>
    /// <exception cref="AdminBindException">It could not be bound; nothing changed.</exception>
    public async Task OpenAsync(NetEndpoint address, CancellationToken cancellationToken = default)
    {
        if (!_servers.ContainsKey(address))
        {
            _servers[address] = await AdminServer.StartAsync(address, endpoints, loggerFactory, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops every server but the one at <paramref name="address"/>.</summary>
    public async Task CloseExceptAsync(NetEndpoint address)
    {
        foreach (var stale in _servers.Keys.Where(a => a != address).ToList())
        {
            var server = _servers[stale];
            _servers.Remove(stale);
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.Values)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
        _servers.Clear();
    }
}
