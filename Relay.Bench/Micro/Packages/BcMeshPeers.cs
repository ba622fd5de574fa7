using System.Collections.Immutable;
using System.Text;
using Org.BouncyCastle.Tls;
using Relay.Tls.Identity;
using Relay.Tls.MeshTls;

namespace Relay.Bench.Micro.Packages;

/// <summary>
/// The mesh's TLS settings in BouncyCastle: TLS 1.3 only, TLS_AES_256_GCM_SHA384 (what SslStream
/// over OpenSSL 3 negotiates between two Relays, its first TLS 1.3 suite), ALPN relay/2 and
/// relay/1, SNI, and a client certificate required and checked.
/// </summary>
internal sealed class BcMeshServer(BcMeshCredentials credentials) : DefaultTlsServer(credentials.Crypto)
{
    private static readonly ProtocolName[] Accepted =
        [.. MeshAlpn.Accepted.Select(p => ProtocolName.AsUtf8Encoding(p.ToString()))];

    public PeerValidationResult? Peer { get; private set; }

    public override ProtocolVersion[] GetProtocolVersions() => ProtocolVersion.TLSv13.Only();

    public override int[] GetCipherSuites() => [CipherSuite.TLS_AES_256_GCM_SHA384];

    protected override IList<ProtocolName> GetProtocolNames() => Accepted;

    public override TlsCredentials GetCredentials() => credentials.Signer(m_context);

    public override CertificateRequest GetCertificateRequest() =>
        new(TlsUtilities.EmptyBytes, [BcMeshCredentials.EcdsaP256Sha256], null, null);

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        Peer = credentials.Check(clientCertificate, PeerRole.Client, allow: null);
        BcMeshCredentials.Enforce(Peer);
    }
}

internal sealed class BcMeshClient(BcMeshCredentials credentials, string targetHost, ImmutableArray<SpiffeId> serverIds)
    : DefaultTlsClient(credentials.Crypto)
{
    private static readonly ProtocolName[] Offered =
        [.. MeshAlpn.Offered.Select(p => ProtocolName.AsUtf8Encoding(p.ToString()))];

    private readonly BcMeshCredentials _credentials = credentials;
    private readonly ImmutableArray<SpiffeIdPattern>? _allow = MeshTlsOptionsFactory.ServerAllowList(serverIds);

    public PeerValidationResult? Peer { get; private set; }

    public override ProtocolVersion[] GetProtocolVersions() => ProtocolVersion.TLSv13.Only();

    public override int[] GetCipherSuites() => [CipherSuite.TLS_AES_256_GCM_SHA384];

    protected override IList<ProtocolName> GetProtocolNames() => Offered;

    protected override IList<ServerName> GetSniServerNames() =>
        [new ServerName(NameType.host_name, Encoding.ASCII.GetBytes(targetHost))];

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    private sealed class Authentication(BcMeshClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            client.Peer = client._credentials.Check(serverCertificate.Certificate, PeerRole.Server, client._allow);
            BcMeshCredentials.Enforce(client.Peer);
        }

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            client._credentials.Signer(client.m_context);
    }
}
