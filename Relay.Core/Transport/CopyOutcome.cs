using Relay.Core.Vocabulary;

namespace Relay.Core.Transport;

/// <summary>How one direction of a copy ended.</summary>
internal enum CopyOutcome
{
    /// <summary>The source sent FIN and everything was written on; the sink was half-closed.</summary>
    Eof,

    /// <summary>Reading from the source failed (RST or a TLS error).</summary>
    SourceFailed,

    /// <summary>The source's bytes broke its framing (<see cref="MalformedStreamException"/>).</summary>
    SourceMalformed,

    /// <summary>Writing to the sink failed (RST or a TLS error).</summary>
    SinkFailed,
}

/// <summary>
/// The copy's result: the first failure in time (or Completed when both directions reached
/// EOF) and the bytes moved each way.
/// </summary>
internal readonly record struct DuplexResult(CloseReason Reason, long BytesToUpstream, long BytesToClient);
