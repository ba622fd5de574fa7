namespace Relay.Core.Detect;

/// <summary>How the detect stage ended.</summary>
public enum DetectionEnd
{
    /// <summary>The first bytes matched a row of the detection table.</summary>
    Recognised,

    /// <summary>The byte budget filled with no decision.</summary>
    BudgetSpent,

    /// <summary>The client sent nothing before the detect timeout (a server-first protocol).</summary>
    TimedOut,

    /// <summary>The client closed (or reset) before sending anything.</summary>
    Closed,

    /// <summary>Detection did not run: the port is <c>tcp</c> and not mesh-terminated.</summary>
    Skipped,
}

/// <summary>The detect stage's result: what was seen and why detection stopped.</summary>
public readonly record struct Detection(DetectedProtocol Protocol, DetectionEnd End)
{
    /// <summary>
    /// Bytes the stage read off the socket (a first message that came in several segments) and
    /// that the chosen path must see first (<see cref="ClientStream"/>); empty when it only peeked.
    /// </summary>
    public ReadOnlyMemory<byte> Replay { get; init; }

    public static Detection TimedOut { get; } = new(DetectedProtocol.Unknown, DetectionEnd.TimedOut);

    public static Detection Closed { get; } = new(DetectedProtocol.Unknown, DetectionEnd.Closed);

    public static Detection Skipped { get; } = new(DetectedProtocol.Unknown, DetectionEnd.Skipped);

    /// <summary>Stable label for the access log: tls | mesh_tls | http1 | http2 | unknown | timeout | closed | skipped.</summary>
    public string Label => End switch
    {
        DetectionEnd.TimedOut => "timeout",
        DetectionEnd.Closed => "closed",
        DetectionEnd.Skipped => "skipped",
        _ => Protocol switch
        {
            DetectedProtocol.MeshTls => "mesh_tls",
            DetectedProtocol.OtherTls => "tls",
            DetectedProtocol.Http1 => "http1",
            DetectedProtocol.Http2 => "http2",
            _ => "unknown",
        },
    };
}
