using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Relay.Core.Config;
using Relay.Tls.Certificates;
using Relay.Tls.MeshTls;

namespace Relay.Core.Mtls;

/// <summary>
/// This host's mesh TLS: the credential store (watched and rotated in place) and the
/// handshaker every connection uses. Exists only when mesh.yaml has a <c>tls</c> section.
/// </summary>
internal sealed class MeshTlsRuntime : IDisposable
{
    private readonly TlsMetrics _metrics;

    private MeshTlsRuntime(CredentialStore store, TlsMetrics metrics, TlsSnapshot settings)
    {
        Store = store;
        _metrics = metrics;
        Settings = settings;
        var validator = new PeerCertificateValidator();
        Handshaker = new MeshTlsHandshaker(new MeshTlsOptionsFactory(validator, settings.MinVersion), validator, metrics);
    }

    public CredentialStore Store { get; }

    public MeshTlsHandshaker Handshaker { get; }

    public TlsSnapshot Settings { get; }

    /// <summary>Idle relay/2 connections to peer Relays, reused by later outbound connections.</summary>
    public MeshConnectionPool Pool { get; } = new();

    /// <summary>Loads and validates the credentials once; the first load failing is fatal for the daemon.</summary>
    public static (MeshTlsRuntime? Runtime, IReadOnlyList<string> Errors) Open(TlsSnapshot settings, string trustDomain, Meter meter, ILogger logger)
    {
        var metrics = new TlsMetrics(meter);
        var paths = new CredentialPaths(settings.CertPath, settings.KeyPath, settings.TrustBundlePath, trustDomain);
        var (store, result) = CredentialStore.Open(paths, logger, metrics);
        if (store is null)
        {
            metrics.Dispose();
            return (null, result.Errors);
        }
        store.StartWatching();
        return (new MeshTlsRuntime(store, metrics, settings), []);
    }

    public void Dispose()
    {
        Pool.Dispose();
        Store.Dispose();
        _metrics.Dispose();
    }
}
