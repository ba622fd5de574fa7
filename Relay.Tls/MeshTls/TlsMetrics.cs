using System.Diagnostics;
using System.Diagnostics.Metrics;
using Relay.Tls.Certificates;

namespace Relay.Tls.MeshTls;

/// <summary>
/// The TLS instruments on the shared "Relay" meter: rotations by result, handshakes by
/// direction/result/reason, and the current leaf's expiry as a Unix timestamp (alert on
/// <c>relay_tls_cert_expiry_timestamp_seconds - time() &lt; 86400</c>).
/// </summary>
public sealed class TlsMetrics : ICredentialMetrics, IDisposable
{
    public const string MeterName = "Relay";

    private readonly Meter meter;
    private readonly bool ownsMeter;
    private readonly Counter<long> rotations;
    private readonly Counter<long> handshakes;
    private volatile Func<DateTimeOffset?> expirySource = static () => null;

    /// <param name="meter">The process's "Relay" meter; null creates (and owns) one.</param>
    public TlsMetrics(Meter? meter = null)
    {
        ownsMeter = meter is null;
        this.meter = meter ?? new Meter(MeterName);
        rotations = this.meter.CreateCounter<long>("relay_tls_rotations_total", description: "Certificate reloads by result (success, invalid).");
        handshakes = this.meter.CreateCounter<long>("relay_tls_handshakes_total", description: "Mesh TLS handshakes by direction, result and reason.");
        this.meter.CreateObservableGauge("relay_tls_cert_expiry_timestamp_seconds", ObserveExpiry, unit: "s", description: "notAfter of the certificate in use, Unix seconds.");
    }

    /// <summary>Where the expiry gauge reads the certificate in use (normally <c>() => store.Current.NotAfter</c>).</summary>
    public void TrackExpiry(Func<DateTimeOffset?> source) => expirySource = source;

    public void RecordRotation(bool success) =>
        rotations.Add(1, new KeyValuePair<string, object?>("result", success ? "success" : "invalid"));

    public void RecordHandshake(PeerRole peerRole, MeshHandshakeResult result)
    {
        var tags = new TagList
        {
            { "direction", peerRole == PeerRole.Client ? "inbound" : "outbound" },
            { "result", result.Succeeded ? "success" : "failure" },
            { "reason", result.ReasonLabel },
        };
        handshakes.Add(1, tags);
    }

    public void Dispose()
    {
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }

    private IEnumerable<Measurement<double>> ObserveExpiry()
    {
        var expiry = expirySource();
        return expiry is { } at ? [new Measurement<double>(at.ToUnixTimeSeconds())] : [];
    }
}
