using System.Net;
using Relay.Core.Vocabulary;

namespace Relay.Core.Http;

/// <summary>A Kestrel endpoint that is not a socket: the connections of one protocol decision.</summary>
internal sealed class HttpEndPoint(ProxyProtocol protocol) : EndPoint
{
    public ProxyProtocol Protocol { get; } = protocol;

    public override string ToString() => $"relay-{Protocol.Label()}";
}
