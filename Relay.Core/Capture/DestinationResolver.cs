using System.Net.Sockets;
using Relay.Core.Net;

namespace Relay.Core.Capture;

/// <summary>
/// Where an accepted connection was going. The daemon asks conntrack
/// (<see cref="OriginalDestinationReader.TryRead"/>); loopback tests, which have no NAT,
/// substitute a fixed answer.
/// </summary>
internal delegate bool DestinationResolver(Socket socket, out OriginalDestination destination);
