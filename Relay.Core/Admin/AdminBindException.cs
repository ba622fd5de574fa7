using Relay.Core.Net;

namespace Relay.Core.Admin;

/// <summary>The admin address could not be bound (typically: port in use); names the address.</summary>
internal sealed class AdminBindException(NetEndpoint address, Exception inner)
    : IOException($"Admin endpoint {address} could not be bound: {inner.Message}", inner)
{
    public NetEndpoint Address { get; } = address;
}
