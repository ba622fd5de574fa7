using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Relay.Tls.Certificates;
using Relay.Tls.Identity;

namespace Relay.Tls.MeshTls;

/// <summary>
/// Builds SslStream options for mesh handshakes from a credentials instance. A fresh options object
/// per handshake lets each carry its own <see cref="PeerVerdict"/>; the expensive part, the
/// SslStreamCertificateContext, is shared from <see cref="MeshCredentials"/>, and SslStream's
/// native context and session caches key on the certificate context, protocols and target host,
/// not on the options instance, so TLS resumption still works (MeshTlsHandshakeTests proves it).
/// </summary>
public sealed class MeshTlsOptionsFactory(PeerCertificateValidator validator, SslProtocols minVersion)
{
    private readonly SslProtocols protocols = ProtocolsFrom(minVersion);

    public SslProtocols EnabledProtocols => protocols;

    /// <summary>TLS 1.3 only when the minimum is 1.3; otherwise 1.2 and 1.3. Nothing older is ever enabled.</summary>
    public static SslProtocols ProtocolsFrom(SslProtocols minVersion) =>
        minVersion == SslProtocols.Tls13 ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <param name="allow">The inbound port's allow list; null admits any peer of our trust domain.</param>
    public MeshServerOptions CreateServer(MeshCredentials credentials, ImmutableArray<SpiffeIdPattern>? allow)
    {
        var verdict = new PeerVerdict();
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = credentials.CertificateContext,
            ClientCertificateRequired = true,
            ApplicationProtocols = MeshAlpn.Accepted,
            EnabledSslProtocols = protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = PlatformChainPolicy(credentials),
            // Our own chain validation runs in the callback; the platform's verdict is discarded.
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                verdict.Record(validator.Validate(certificate, chain, credentials, PeerRole.Client, allow)),
        };
        return new MeshServerOptions(options, verdict);
    }

    /// <param name="targetHost">Sent as SNI (unless an IP literal) and the key of the client session cache: use one name per upstream endpoint.</param>
    /// <param name="expectedServerIdentities">The service's <c>identities</c>; empty accepts any peer of our trust domain.</param>
    /// <param name="alpn">The tokens to offer; null offers <see cref="MeshAlpn.Offered"/> (an app's TCP connection).</param>
    public MeshClientOptions CreateClient(
        MeshCredentials credentials, string targetHost, ImmutableArray<SpiffeId> expectedServerIdentities, List<SslApplicationProtocol>? alpn = null)
    {
        var verdict = new PeerVerdict();
        var allow = ServerAllowList(expectedServerIdentities);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ClientCertificateContext = credentials.CertificateContext,
            ApplicationProtocols = alpn ?? MeshAlpn.Offered,
            EnabledSslProtocols = protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowTlsResume = true,
            CertificateChainPolicy = PlatformChainPolicy(credentials),
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                verdict.Record(validator.Validate(certificate, chain, credentials, PeerRole.Server, allow)),
        };
        return new MeshClientOptions(options, verdict);
    }

    /// <summary>
    /// The policy SslStream uses for the chain it builds before calling our callback. Left at its
    /// default it searches the system store and may try to download intermediates, which cost
    /// milliseconds per handshake (Relay.Bench TlsHandshakeBenchmarks: see docs/performance.md);
    /// with the bundle as the only root it is one cheap build whose verdict we then re-check.
    /// </summary>
    private static X509ChainPolicy PlatformChainPolicy(MeshCredentials credentials)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        policy.CustomTrustStore.AddRange(credentials.TrustBundle);
        return policy;
    }

    internal static ImmutableArray<SpiffeIdPattern>? ServerAllowList(ImmutableArray<SpiffeId> identities) =>
        identities.IsDefaultOrEmpty
            ? null
            : [.. identities.Select(id => new SpiffeIdPattern(id.TrustDomain, id.Path, IsPrefix: false))];
}
