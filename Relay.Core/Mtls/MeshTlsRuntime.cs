using Microsoft.Extensions.Logging;
using Relay.Core.Config;
using Relay.Tls.Certificates;
using Relay.Tls.MeshTls;

namespace Relay.Core.Mtls;

/// <summary>
/// This host's mesh TLS for one set of <c>tls</c> and <c>mesh</c> settings: the credential store
/// (watched and rotated in place), the handshaker with its minimum version, and the pool of
/// relay/2 connections made with this material. It is part of the <see cref="ActiveConfig"/> it was
/// built for, so a connection reads config and TLS together, once, at accept. A reload that changes
/// those settings builds (and validates) a new instance before the swap and retires this one after.
/// </summary>
internal sealed class MeshTlsRuntime : IDisposable
{
    private MeshTlsRuntime(CredentialStore store, TlsSnapshot settings, MeshSnapshot mesh, TlsMetrics metrics)
    {
        Store = store;
        Settings = settings;
        Mesh = mesh;
        Validator = new PeerCertificateValidator();
        Handshaker = new MeshTlsHandshaker(new MeshTlsOptionsFactory(Validator, settings.MinVersion), Validator, metrics);
        Pool = new MeshConnectionPool(store.Current);
        store.Rotated += OnRotated;
    }

    public CredentialStore Store { get; }

    public MeshTlsHandshaker Handshaker { get; }

    public PeerCertificateValidator Validator { get; }

    public TlsSnapshot Settings { get; }

    /// <summary>The trust domain and mesh.identity the credentials were checked against.</summary>
    public MeshSnapshot Mesh { get; }

    /// <summary>Idle relay/2 connections to peer Relays, reused by later outbound connections.</summary>
    public MeshConnectionPool Pool { get; }

    /// <summary>Loads and validates the credentials (including mesh.identity against the certificate); errors when they are unusable.</summary>
    public static (MeshTlsRuntime? Runtime, IReadOnlyList<string> Errors) Open(TlsSnapshot settings, MeshSnapshot mesh, TlsMetrics metrics, ILogger logger)
    {
        var paths = new CredentialPaths(settings.CertPath, settings.KeyPath, settings.TrustBundlePath, mesh.TrustDomain, mesh.Identity);
        var (store, result) = CredentialStore.Open(paths, logger, metrics);
        if (store is null)
        {
            return (null, result.Errors);
        }
        store.StartWatching();
        return (new MeshTlsRuntime(store, settings, mesh, metrics), []);
    }

    /// <summary>True when <paramref name="next"/> asks for exactly this material: same files, minimum version, trust domain and identity.</summary>
    public bool Serves(ConfigSnapshot next) => next.Tls == Settings && next.Mesh == Mesh;

    // The caller side closes its idle connections itself (no race with its own app connections);
    // the server side re-checks a caller on its next stream instead (MeshChannelPolicy), because a
    // server closing idle connections races callers that are taking them at that instant.
    private void OnRotated(MeshCredentials credentials) => Pool.Renew(credentials);

    /// <summary>Stops watching the files and closes idle pooled connections; live connections keep the credentials they hold.</summary>
    public void Dispose()
    {
        Store.Rotated -= OnRotated;
        Store.Dispose();
        Pool.Dispose();
    }
}
