using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// An app that speaks its own TLS (no relay ALPN): terminates TLS with its own certificate, optionally asks
/// for a client certificate (recorded, never judged) and echoes. Used to show that permissive mode passes
/// an app's TLS through untouched, and to check <see cref="TlsProbe"/> itself.
/// </summary>
internal sealed class TlsEchoServer : TestServer
{
    /// <summary>16 KiB: larger than any probe payload.</summary>
    private const int BufferSize = 16 * 1024;

    private readonly SslStreamCertificateContext certificate;
    private readonly bool askForClientCertificate;
    private readonly ConcurrentQueue<X509Certificate2> clientCertificates = new();

    private TlsEchoServer(NetnsHost host, int port, X509Certificate2 certificate, bool askForClientCertificate) : base(host, port)
    {
        this.certificate = SslStreamCertificateContext.Create(certificate, null);
        this.askForClientCertificate = askForClientCertificate;
    }

    /// <summary>Client certificates received, in connection order.</summary>
    public IReadOnlyList<X509Certificate2> ClientCertificates => clientCertificates.ToArray();

    public static TlsEchoServer Start(NetnsHost host, int port, X509Certificate2 certificate, bool askForClientCertificate = false)
    {
        var server = new TlsEchoServer(host, port, certificate, askForClientCertificate);
        server.Start(maxConnections: 64);
        return server;
    }

    protected override async Task ServeAsync(Socket connection, CancellationToken cancellationToken)
    {
        await using var tls = new SslStream(new NetworkStream(connection, ownsSocket: false));
        try
        {
            await tls.AuthenticateAsServerAsync(Options(), cancellationToken);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            return;
        }
        var buffer = new byte[BufferSize];
        try
        {
            int read;
            while ((read = await tls.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await tls.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (IOException)
        {
            // A client that closes without close_notify ends the session; the test judges from its side.
        }
    }

    private SslServerAuthenticationOptions Options() => new()
    {
        ServerCertificateContext = certificate,
        ClientCertificateRequired = askForClientCertificate,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, cert, _, _) =>
        {
            if (cert is not null)
            {
                clientCertificates.Enqueue(X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
            }
            return true;
        },
    };
}
