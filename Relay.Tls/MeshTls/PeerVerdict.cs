namespace Relay.Tls.MeshTls;

/// <summary>
/// Where one handshake's certificate callback leaves its verdict, so the caller can read the
/// precise rejection reason after SslStream has turned it into a bare AuthenticationException.
/// </summary>
public sealed class PeerVerdict
{
    private PeerValidationResult? result;
    private int callbackCount;

    /// <summary>The last verdict; null when the callback never ran (no handshake yet, or a resumed session).</summary>
    public PeerValidationResult? Result => Volatile.Read(ref result);

    /// <summary>How many times the validation callback ran: a full handshake runs it, some resumptions do not.</summary>
    public int CallbackCount => Volatile.Read(ref callbackCount);

    internal bool Record(PeerValidationResult verdict)
    {
        Volatile.Write(ref result, verdict);
        Interlocked.Increment(ref callbackCount);
        return verdict.Accepted;
    }
}
