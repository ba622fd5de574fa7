namespace Relay.Core.Transport;

/// <summary>
/// A carried stream's framing was broken by the peer (a relay/2 frame header with the reserved
/// sign bit, e.g. 0x80000005 or 0xffffffff). An IOException, so every transport catch still
/// treats it as the peer's failure; the copier tells it apart to close as a protocol error
/// (<c>client_protocol_error</c>) instead of a reset (issue 17 §7).
/// </summary>
internal sealed class MalformedStreamException(string message) : IOException(message);
