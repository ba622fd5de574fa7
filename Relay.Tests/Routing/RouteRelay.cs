using Relay.Tests.Http;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Routing;

/// <summary>
/// A Relay in front of two UpstreamApps labelled version v1 and v2, as one service <c>app</c>
/// behind an explicit outbound listener, with the routes a test gives; reloads swap the routes.
/// </summary>
internal sealed class RouteRelay : IAsyncDisposable
{
    private RouteRelay(UpstreamApp v1, UpstreamApp v2, LoopbackRelay relay, int listen, string protocol)
    {
        V1 = v1;
        V2 = v2;
        Relay = relay;
        Listen = listen;
        _protocol = protocol;
    }

    private readonly string _protocol;

    public UpstreamApp V1 { get; }

    public UpstreamApp V2 { get; }

    public LoopbackRelay Relay { get; }

    public int Listen { get; }

    public Uri Url(string path = "/port") => new($"http://127.0.0.1:{Listen}{path}");

    /// <summary>Backends v1 and v2 of one match-all route with the given weights.</summary>
    public static string Split(int v1, int v2, string extra = "") =>
        $"      - {{ backends: [{{subset: {{version: v1}}, weight: {v1}}}, {{subset: {{version: v2}}, weight: {v2}}}]{extra} }}\n";

    public static async Task<RouteRelay> StartAsync(string routes, string protocol = "http")
    {
        var v1 = await UpstreamApp.StartAsync();
        var v2 = await UpstreamApp.StartAsync();
        var listen = FreePorts.Next();
        var relay = await LoopbackRelay.StartAsync(Sections(v1.Port, v2.Port, listen, protocol, routes), destination: null);
        return new RouteRelay(v1, v2, relay, listen, protocol);
    }

    /// <summary>Applies new routes as a reload; fails the test if the config is rejected.</summary>
    public async Task ReloadAsync(string routes)
    {
        var errors = await Relay.Runtime.ApplyAsync(Relay.Reconfigure(Sections(V1.Port, V2.Port, Listen, _protocol, routes)));
        Assert.Empty(errors);
    }

    public static string Sections(int v1, int v2, int listen, string protocol, string routes) =>
        "services:\n  app:\n    port: 80\n    mesh_tls: false\n"
        + $"    protocol: {protocol}\n"
        // Pinned: these tests assert round robin's turns within a subset (HTTP services default to peak-ewma).
        + "    load_balancing: round-robin\n"
        // These tests measure retry policies and budgets, not the breaker: 8 workers against a
        // failing endpoint have up to 8 retries in flight, past Envoy's default max_retries of 3
        // (which counts retries of responses too; L7BreakerLoopbackTests covers that).
        + "    circuit_breakers: { max_retries: 64 }\n"
        + "    endpoints:\n"
        + $"      - {{ address: \"127.0.0.1:{v1}\", labels: {{ version: v1 }} }}\n"
        + $"      - {{ address: \"127.0.0.1:{v2}\", labels: {{ version: v2 }} }}\n"
        + (routes.Length > 0 ? "    routes:\n" + routes : "")
        + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n";

    public async ValueTask DisposeAsync()
    {
        await Relay.DisposeAsync();
        await V1.DisposeAsync();
        await V2.DisposeAsync();
    }
}
