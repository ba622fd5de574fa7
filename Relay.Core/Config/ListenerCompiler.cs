using Relay.Core.Net;
using Relay.Core.Vocabulary;

namespace Relay.Core.Config;

/// <summary>One listeners item → <see cref="ExplicitListenerSnapshot"/> with its synthesized destination.</summary>
internal static class ListenerCompiler
{
    public static ExplicitListenerSnapshot Compile(ListenerConfig listener, IReadOnlyList<ServiceSnapshot> services)
    {
        var address = ConfigCompiler.Required(listener.Address).Value;
        var direction = ConfigCompiler.Required(listener.Direction).Value;
        if (direction == Direction.Outbound)
        {
            var name = ConfigCompiler.Required(listener.Service).Value;
            var service = services.FirstOrDefault(s => s.Name == name)
                ?? throw new InvalidOperationException($"compiling a listener for unknown service '{name}'");
            // A discovered service has no endpoints at compile time: validation made it give an address.
            var destination = service.Endpoints.IsEmpty ? new NetEndpoint(service.Addresses[0], service.Port) : service.Endpoints[0];
            return new ExplicitListenerSnapshot(address, direction, new OriginalDestination(destination), name, null);
        }
        var port = ConfigCompiler.Required(listener.InboundPort).Value;
        return new ExplicitListenerSnapshot(address, direction, new OriginalDestination(new NetEndpoint(address.Address, port)), null, port);
    }
}
