using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Relay.Core.Config;
using Relay.Core.Mtls;
using Relay.Core.Net;
using Relay.Core.Vocabulary;

namespace Relay.Core.Upstreams.Health;

/// <summary>
/// One active check of one endpoint, all of it within the check's timeout: a TCP connect; for a
/// meshed service then the relay/h2 mTLS handshake with the peer Relay (its SPIFFE ID checked as
/// for traffic); for an HTTP check then a GET of the path, over the mesh to the peer Relay and
/// through it to the app, or straight to the app. A fresh connection each time, as HAProxy's
/// checks open one: the check then also proves that new connections (and handshakes) succeed.
/// </summary>
internal static class HealthProbe
{
    /// <summary>Envoy sends <c>Envoy/HC</c>; a distinct agent lets apps and access logs tell checks from traffic.</summary>
    public const string UserAgent = "Relay-HealthCheck";

    // Http.OriginalProtocol.Header (not referenced: Http sits above Upstreams): the check is an
    // HTTP/1.1 GET, so the peer Relay sends it to its app as HTTP/1.1, whatever the app speaks otherwise.
    private const string OriginalProtocolHeader = "x-relay-orig-proto";

    public static async Task<HealthCheckResult> CheckAsync(
        ServiceSnapshot service, NetEndpoint endpoint, MeshTlsRuntime? tls, CancellationToken cancellationToken)
    {
        var check = service.HealthCheck!;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(check.Timeout);
        try
        {
            var (stream, failure) = await OpenAsync(service, endpoint, tls, deadline.Token).ConfigureAwait(false);
            if (stream is null)
            {
                return failure;
            }
            await using (stream.ConfigureAwait(false))
            {
                return check.Path is { } path
                    ? await GetAsync(service, check, path, stream, OutboundSecurity.Applies(service, tls), deadline.Token).ConfigureAwait(false)
                    : HealthCheckResult.Passed;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Timeout;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException)
        {
            return deadline.IsCancellationRequested ? HealthCheckResult.Timeout : HealthCheckResult.ConnectFailed;
        }
    }

    private static async Task<(Stream? Stream, HealthCheckResult Failure)> OpenAsync(
        ServiceSnapshot service, NetEndpoint endpoint, MeshTlsRuntime? tls, CancellationToken cancellationToken)
    {
        var connected = await UpstreamConnector.ConnectAsync(endpoint, service.Name, service.HealthCheck!.Timeout, NoAttempts.Instance, cancellationToken).ConfigureAwait(false);
        if (connected.Socket is not { } socket)
        {
            return (null, connected.Failure == CloseReason.UpstreamConnectTimeout ? HealthCheckResult.Timeout : HealthCheckResult.ConnectFailed);
        }
        if (service.HealthCheck.Path is null)
        {
            // A TCP check closes with a reset, as HAProxy's checks do (nolinger): the checker keeps
            // no TIME_WAIT socket (and its local port) for each check, every interval, per endpoint.
            socket.LingerState = new LingerOption(true, 0);
        }
        if (!OutboundSecurity.Applies(service, tls))
        {
            return (new NetworkStream(socket, ownsSocket: true), HealthCheckResult.Passed);
        }
        var (secured, failure) = await MeshHttpHandshake.SecureAsync(socket, endpoint, tls!, tls!.Store.Current, service.Identities, cancellationToken).ConfigureAwait(false);
        return secured is null
            ? (null, cancellationToken.IsCancellationRequested ? HealthCheckResult.Timeout : HealthCheckResult.TlsFailed)
            : (secured, HealthCheckResult.Passed);
    }

    private static async Task<HealthCheckResult> GetAsync(
        ServiceSnapshot service, HealthCheckSnapshot check, string path, Stream stream, bool mesh, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ActivityHeadersPropagator = null,
            // The one connection opened above; the handler never dials by itself.
            ConnectCallback = (_, _) => ValueTask.FromResult(stream),
        };
        using var client = new HttpMessageInvoker(handler, disposeHandler: false);
        // Envoy's health checks send the cluster name as Host by default; the service name is Relay's.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{service.Name}{path}")
        {
            // Between Relays HTTP is HTTP/2 with prior knowledge (relay/h2), to an app HTTP/1.1.
            Version = mesh ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.UserAgent.ParseAdd(UserAgent);
        if (mesh)
        {
            request.Headers.TryAddWithoutValidation(OriginalProtocolHeader, "HTTP/1.1");
        }
        else
        {
            request.Headers.ConnectionClose = true;
        }
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return check.Statuses.Contains((int)response.StatusCode) ? HealthCheckResult.Passed : HealthCheckResult.BadStatus;
    }

    /// <summary>Checks are not traffic: their connects stay out of relay_upstream_connect_* .</summary>
    private sealed class NoAttempts : IConnectAttemptSink
    {
        public static readonly NoAttempts Instance = new();

        public void Attempted(string service, TimeSpan elapsed, bool succeeded)
        {
        }
    }
}
