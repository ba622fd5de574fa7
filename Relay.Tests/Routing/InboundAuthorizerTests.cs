using Microsoft.AspNetCore.Http;
using Relay.Core.Config;
using Relay.Core.Routing;
using Relay.Core.Vocabulary;
using Relay.Tls.Identity;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Routing;

/// <summary>
/// inbound[].routes: what compiles, its errors, and the verdicts: first route taken, its allow
/// judged against the caller, default deny, and every path trick read as the router reads it.
/// </summary>
[Trait("Tier", "Unit")]
public sealed class InboundAuthorizerTests
{
    private static readonly SpiffeId Web = new("corp.example", "/ns/web");
    private static readonly SpiffeId Ops = new("corp.example", "/ns/ops/admin");

    private const string Routes = "    routes:\n"
        + "      - { name: read, matches: [{ path: { prefix: /api }, method: GET }], allow: [\"spiffe://corp.example/ns/web\", \"spiffe://corp.example/ns/ops/*\"] }\n"
        + "      - { name: admin, matches: [{ path: { prefix: /admin } }], allow: [\"spiffe://corp.example/ns/ops/*\"] }\n"
        + "      - { name: health, matches: [{ path: { exact: /healthz } }] }\n";

    private static InboundPortSnapshot Port(string routes = Routes, string protocol = "auto") =>
        Valid(MeshHeader + $"inbound:\n  - port: 8080\n    protocol: {protocol}\n" + routes).Inbound.Single();

    private static (CloseReason Verdict, string? Route) Judge(string target, SpiffeId? caller, string method = "GET")
    {
        var context = new DefaultHttpContext();
        var request = new RouteRequest(RequestPath.Normalize(target), method, context.Request.Headers, context.Request.Query);
        return InboundAuthorizer.Judge(Port().Routes, request, caller);
    }

    [Fact]
    public void Compile_RoutesInOrder_AllowAbsentIsNull()
    {
        var routes = Port().Routes;

        Assert.Equal(["read", "admin", "health"], routes.Select(r => r.Name));
        Assert.Equal(2, routes[0].Allow!.Value.Length);
        Assert.Null(routes[2].Allow);
        Assert.True(Valid(MeshHeader + "inbound:\n  - port: 8080\n").Inbound.Single().Routes.IsEmpty);
    }

    [Fact]
    public void Load_RoutesOnATcpPort_Reported() =>
        AssertError(SingleError(MeshHeader + "inbound:\n  - port: 8080\n    protocol: tcp\n" + Routes), 5, 15, "inbound[0].protocol", "set protocol: auto");

    [Fact]
    public void Load_EmptyRoutes_Reported() =>
        AssertError(SingleError(MeshHeader + "inbound:\n  - port: 8080\n    protocol: auto\n    routes: []\n"), 4, 5, "inbound[0].routes", "at least one route");

    [Fact]
    public void Load_BadMatch_ReportedAsForAServiceRoute() =>
        AssertError(SingleError(MeshHeader + "inbound:\n  - port: 8080\n    protocol: auto\n    routes: [{ matches: [{ method: FETCH }] }]\n"), 6, 36, "inbound[0].routes[0].matches[0].method", "method 'FETCH' is not one of");

    [Fact]
    public void AllowedCallerAndMethod_Pass() => Assert.Equal((CloseReason.Completed, "read"), Judge("/api/orders", Web));

    [Fact]
    public void DeniedCaller_OnATakenRoute_IsCallerDenied() => Assert.Equal((CloseReason.AuthzCallerDenied, "admin"), Judge("/admin/users", Web));

    [Fact]
    public void DeniedMethod_NoRouteTakesIt() => Assert.Equal((CloseReason.AuthzNoRoute, null), Judge("/api/orders", Web, "DELETE"));

    [Fact]
    public void Plaintext_OnlyARouteWithoutAllowAdmitsIt()
    {
        Assert.Equal(CloseReason.Completed, Judge("/healthz", null).Verdict);
        Assert.Equal(CloseReason.AuthzCallerDenied, Judge("/api/orders", null).Verdict);
    }

    [Fact]
    public void WildcardPattern_AdmitsOps() => Assert.Equal(CloseReason.Completed, Judge("/admin", Ops).Verdict);

    /// <summary>Each spelling of /admin… is /admin to the rule, as to the router: the web caller is denied on every one.</summary>
    [Theory]
    [InlineData("/admin")]
    [InlineData("/api/../admin")]
    [InlineData("/api/%2e%2e/admin")]
    [InlineData("/api/%2E%2E/admin")]
    [InlineData("/api%2F..%2Fadmin")]
    [InlineData("/api%2f..%2fadmin")]
    [InlineData("//admin")]
    [InlineData("/%61dmin")]
    [InlineData("/api/./../admin/")]
    [InlineData("/api/../admin?x=/api")]
    [InlineData("http://host/api/../admin")]
    public void PathTricks_ReachTheAdminRule_AndAreDenied(string target) =>
        Assert.Equal((CloseReason.AuthzCallerDenied, "admin"), Judge(target, Web));

    /// <summary>Case is kept (as the router keeps it): /ADMIN is no rule's path, so default deny, never the read rule.</summary>
    [Theory]
    [InlineData("/ADMIN")]
    [InlineData("/Api/orders")]
    [InlineData("/healthz/../api%252F..%252Fadmin")]
    public void OtherSpellings_AreNoRoute(string target) => Assert.Equal(CloseReason.AuthzNoRoute, Judge(target, Web).Verdict);
}
