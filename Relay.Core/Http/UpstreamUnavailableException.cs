using Relay.Core.Vocabulary;

namespace Relay.Core.Http;

/// <summary>
/// Thrown from SocketsHttpHandler's ConnectCallback when no endpoint of the cluster could be
/// connected: the handler's contract only lets a callback fail by throwing. The forwarder finds
/// it in the error's exception chain and answers 503 with its <see cref="Reason"/>.
/// </summary>
internal sealed class UpstreamUnavailableException(CloseReason reason)
    : Exception($"no endpoint could be connected: {reason.Label()}")
{
    public CloseReason Reason { get; } = reason;
}
