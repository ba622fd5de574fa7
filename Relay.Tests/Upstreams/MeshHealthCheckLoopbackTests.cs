using System.Net;
using Relay.Tests.Mtls;
using Relay.Tests.Support;

namespace Relay.Tests.Upstreams;

/// <summary>
/// Active health checks of a meshed service: Relay A checks its endpoint, which is Relay B's
/// inbound listener, over mesh mTLS (relay/h2, B's SPIFFE ID verified); B passes the check to
/// the app behind it, so the app's health path decides A's verdict.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class MeshHealthCheckLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private const string Check = "health_check: { path: /healthz, interval: 300ms, timeout: 250ms, healthy_threshold: 2, unhealthy_threshold: 2 }";

    [Fact]
    public async Task HttpCheck_TraversesThePeerRelay_ToTheApp_AndFollowsTheAppsHealth()
    {
        await using var app = await HealthApp.StartAsync();
        await using var pair = await MeshPairLoopback.StartAsync(new IPEndPoint(IPAddress.Loopback, app.Port), protocolOnA: "http", protocolOnB: "http", serviceOnA: Check);
        string? State() => pair.A.ClustersView().Single().Endpoints.Single().HealthCheck;

        await Eventually.TrueAsync(() => State() == "healthy", Wait);
        Assert.True(app.Checks >= 1);
        Assert.Equal("Relay-HealthCheck", app.LastCheckAgent);
        // B saw the check as a request from A's mesh identity, over HTTP/2, and sent it on to the app.
        // (Not the first line: on a cold machine the first check may outlast its 250 ms while B JIT-compiles.)
        var onB = await pair.LogB.WaitForLineAsync(l => l.StartsWith("request ", StringComparison.Ordinal) && l.Contains("path=/healthz protocol=HTTP/2 status=200", StringComparison.Ordinal), Wait);
        Assert.Contains("peer=spiffe://mesh.test/a", onB);
        Assert.Contains($"endpoint=127.0.0.1:{app.Port}", onB);

        app.HealthStatus = 503;
        await Eventually.TrueAsync(() => State() == "unhealthy", Wait);
        Assert.Equal("bad_status", pair.A.ClustersView().Single().Endpoints.Single().LastCheckFailure);

        app.HealthStatus = 200;
        await Eventually.TrueAsync(() => State() == "healthy", Wait);
    }

    [Fact]
    public async Task Check_OfAPeerWithTheWrongIdentity_FailsTheHandshake_AndTheAppIsNeverAsked()
    {
        await using var app = await HealthApp.StartAsync();
        await using var pair = await MeshPairLoopback.StartAsync(
            new IPEndPoint(IPAddress.Loopback, app.Port), serverIdentityExpected: "spiffe://mesh.test/someone-else", protocolOnA: "http", protocolOnB: "http", serviceOnA: Check);

        await Eventually.TrueAsync(() => pair.A.ClustersView().Single().Endpoints.Single().LastCheckFailure == "tls_failed", Wait);
        Assert.Equal("unhealthy", pair.A.ClustersView().Single().Endpoints.Single().HealthCheck);
        Assert.Equal(0, app.Checks);
    }

    [Fact]
    public async Task TcpCheck_OfAMeshedService_IsTheMtlsHandshakeWithThePeerRelay()
    {
        await using var app = await HealthApp.StartAsync();
        await using var pair = await MeshPairLoopback.StartAsync(
            new IPEndPoint(IPAddress.Loopback, app.Port), serviceOnA: "health_check: { interval: 300ms, timeout: 250ms }");

        await Eventually.TrueAsync(() => pair.A.ClustersView().Single().Endpoints.Single().HealthCheck == "healthy", Wait);
        // Handshakes B completed with A (checks), counted as B's mesh handshakes. B counts its side
        // after A has already seen the handshake succeed (and called the endpoint healthy): wait for it.
        await Eventually.TrueAsync(() => pair.MetricsB.Scrape().Contains("result=\"success\"", StringComparison.Ordinal), Wait);
    }
}
