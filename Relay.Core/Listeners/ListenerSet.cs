using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Relay.Core.Config;
using Relay.Core.Connections;
using Relay.Core.Net;
using Relay.Core.Vocabulary;

namespace Relay.Core.Listeners;

/// <summary>
/// The listening sockets a snapshot asks for. Reconciling against a new snapshot keeps the
/// sockets whose address is unchanged (<see cref="ListenerSpec.BySocket"/>), so a reload never
/// refuses a connection, even one that changes where an explicit listener leads.
/// </summary>
internal sealed partial class ListenerSet(Func<Socket, ListenerSpec, ListenerRetirement, Task> handle, ILogger logger) : IAsyncDisposable
{
    private readonly Dictionary<ListenerSpec, TcpListenerLoop> _open = new(ListenerSpec.BySocket);

    public IReadOnlyCollection<ListenerSpec> Open => _open.Keys;

    public static IEnumerable<ListenerSpec> Desired(ConfigSnapshot config)
    {
        yield return new ListenerSpec(new NetEndpoint(IPAddress.Any, config.Capture.OutboundPort), Direction.Outbound);
        yield return new ListenerSpec(new NetEndpoint(IPAddress.Any, config.Capture.InboundPort), Direction.Inbound);
        if (config.Capture.Ipv6 && Socket.OSSupportsIPv6)
        {
            yield return new ListenerSpec(new NetEndpoint(IPAddress.IPv6Any, config.Capture.OutboundPort), Direction.Outbound);
            yield return new ListenerSpec(new NetEndpoint(IPAddress.IPv6Any, config.Capture.InboundPort), Direction.Inbound);
        }
        foreach (var listener in config.Listeners)
        {
            yield return new ListenerSpec(listener.Address, listener.Direction, listener.Destination);
        }
    }

    /// <summary>Opens what is new first, then closes what is gone; throws if a new bind fails.</summary>
    public async Task ReconcileAsync(IEnumerable<ListenerSpec> desired, TimeSpan drainTimeout)
    {
        var wanted = desired.ToHashSet(ListenerSpec.BySocket);
        await OpenAsync(wanted).ConfigureAwait(false);
        await CloseExceptAsync(wanted, drainTimeout).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens the wanted listeners not yet open. If one cannot be bound, closes the ones this call
    /// opened and rethrows, so a failed reload leaves exactly the sockets it found.
    /// </summary>
    public async Task OpenAsync(IEnumerable<ListenerSpec> desired)
    {
        var opened = new List<ListenerSpec>();
        try
        {
            foreach (var spec in desired.Distinct(ListenerSpec.BySocket).Where(s => !_open.ContainsKey(s)).ToList())
            {
                var listener = TcpListenerLoop.Bind(spec, handle, logger);
                _open[spec] = listener;
                opened.Add(spec);
                listener.Start();
                LogListening(logger, spec.ToString());
            }
        }
        catch
        {
            // Never in service (the config that asked for them was not applied): nothing to drain.
            await CloseAsync(opened, drainTimeout: null).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Closes every open listener not wanted: it stops accepting, and its live connections drain
    /// for <paramref name="drainTimeout"/> (<see cref="ListenerRetirement"/>); null for listeners
    /// that were never in service (a reload that failed after binding them), whose connections carry on.
    /// </summary>
    public Task CloseExceptAsync(IEnumerable<ListenerSpec> desired, TimeSpan? drainTimeout)
    {
        var wanted = desired.ToHashSet(ListenerSpec.BySocket);
        return CloseAsync(_open.Keys.Where(s => !wanted.Contains(s)).ToList(), drainTimeout);
    }

    private async Task CloseAsync(IEnumerable<ListenerSpec> specs, TimeSpan? drainTimeout)
    {
        foreach (var spec in specs)
        {
            if (drainTimeout is { } drain)
            {
                _open[spec].Retirement.Retire(drain, Environment.TickCount64);
            }
            await _open[spec].DisposeAsync().ConfigureAwait(false);
            _open.Remove(spec);
            LogClosed(logger, spec.ToString());
        }
    }

    /// <summary>Stops accepting everywhere (the first step of a drain).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var listener in _open.Values)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
        _open.Clear();
    }

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "listening: {Listener}")]
    private static partial void LogListening(ILogger logger, string listener);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "stopped listening: {Listener}")]
    private static partial void LogClosed(ILogger logger, string listener);
}
