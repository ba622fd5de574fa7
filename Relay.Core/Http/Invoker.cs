using System.Collections.Immutable;
using System.Globalization;
using System.Net.Http;
using Relay.Core.Net;

namespace Relay.Core.Http;

/// <summary>
/// One <see cref="HttpMessageInvoker"/> (one SocketsHttpHandler, so one set of connection pools)
/// for one upstream as one config and TLS material describe it. Each endpoint has its own request
/// prefix, so the handler keeps one pool per endpoint and the balancer picks the endpoint per
/// request (Envoy's and Linkerd's model: per-request balancing over per-endpoint pools). A reload
/// or a rotation that changes what the invoker was built from retires it: requests already in it
/// finish, and the last one out disposes it, closing its idle connections.
/// </summary>
internal sealed class Invoker(InvokerSpec spec, HttpMessageInvoker client) : IDisposable
{
    private const string HostSuffix = ".relay.invalid";

    // The count of requests inside, plus one while the invoker is current: 0 means retired and idle.
    private int _holds = 1;

    public InvokerSpec Spec { get; } = spec;

    public HttpMessageInvoker Client { get; } = client;

    /// <summary>Per endpoint index: the destination prefix YARP builds request URIs from; it names the pool.</summary>
    public ImmutableArray<string> Prefixes { get; } = [.. spec.Endpoints.Select((_, i) => $"http://e{i.ToString(CultureInfo.InvariantCulture)}{HostSuffix}")];

    public ImmutableArray<NetEndpoint> Endpoints => Spec.Endpoints;

    /// <summary>Per endpoint index: the endpoint as the access log and spans write it, formatted once per invoker, not per request.</summary>
    public ImmutableArray<string> EndpointLabels { get; } = [.. spec.Endpoints.Select(e => e.ToString())];

    /// <summary>The endpoint index a pool's host names (the ConnectCallback's DnsEndPoint).</summary>
    public static int IndexOf(string host) =>
        host.StartsWith('e') && host.EndsWith(HostSuffix, StringComparison.Ordinal)
            && int.TryParse(host.AsSpan(1, host.Length - 1 - HostSuffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : throw new InvalidOperationException($"not a Relay pool host: {host}");

    /// <summary>Takes a hold for one request; false once the invoker is retired.</summary>
    public bool TryEnter()
    {
        var holds = Volatile.Read(ref _holds);
        while (holds > 0)
        {
            var seen = Interlocked.CompareExchange(ref _holds, holds + 1, holds);
            if (seen == holds)
            {
                return true;
            }
            holds = seen;
        }
        return false;
    }

    public void Exit() => Release();

    /// <summary>No new requests; disposed when the last request in it ends.</summary>
    public void Retire() => Release();

    private void Release()
    {
        if (Interlocked.Decrement(ref _holds) == 0)
        {
            Client.Dispose();
        }
    }

    public void Dispose() => Client.Dispose();
}
