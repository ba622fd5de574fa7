using System.Net.Sockets;

namespace Relay.Core.Detect;

/// <summary>The client side as a stream once detection is done: the socket's, with any bytes detection consumed put back in front.</summary>
internal static class ClientStream
{
    public static Stream Open(Socket client, Detection detection)
    {
        var stream = new NetworkStream(client, ownsSocket: false);
        return detection.Replay.IsEmpty ? stream : new ReplayStream(detection.Replay, stream);
    }
}
