using System.Diagnostics.Metrics;
using Relay.Core.Connections;

namespace Relay.Core.Observability;

// TEMPORARY stand-in until the observability branch merges.
public sealed class RelayMetrics
{
    public void ConnectionOpened(Direction direction) { }
    public void ConnectionClosed(Direction direction, CloseReason reason, long bytesToUpstream, long bytesToClient, TimeSpan duration) { }
}
