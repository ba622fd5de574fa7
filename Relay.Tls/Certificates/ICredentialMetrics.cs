namespace Relay.Tls.Certificates;

/// <summary>
/// What the credential store reports about rotations and expiry. An interface here, implemented by
/// MeshTls's TlsMetrics, so Certificates does not depend on MeshTls (which depends on Certificates).
/// </summary>
public interface ICredentialMetrics
{
    /// <summary>Where the expiry gauge reads the certificate in use.</summary>
    void TrackExpiry(Func<DateTimeOffset?> source);

    void RecordRotation(bool success);
}
