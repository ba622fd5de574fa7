using Relay.Core.Config;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Routing;

/// <summary>services[].routes: what compiles, and each rule's error at its position.</summary>
[Trait("Tier", "Unit")]
public sealed class RouteConfigTests
{
    /// <summary>Service orders (from line 3): v1 and v2 endpoints; its routes are inserted at line 9.</summary>
    public const string Services = "services:\n  orders:\n    port: 80\n    mesh_tls: false\n    protocol: http\n    endpoints:\n"
        + "      - {address: 198.18.0.2:80, labels: {version: v1}}\n"
        + "      - {address: 198.18.0.3:80, labels: {version: v2}}\n"
        + "      - {address: 198.18.0.4:80, labels: {version: v2}}\n"
        + "  billing: {port: 81, mesh_tls: false, protocol: http, endpoints: [198.18.0.9:81]}\n";

    public static ServiceSnapshot Orders(string routes) =>
        Valid(MeshHeader + Services.Replace("    endpoints:\n", "    routes:\n" + routes + "    endpoints:\n", StringComparison.Ordinal)).Services.First();

    private static ConfigError Error(string routes) =>
        SingleError(MeshHeader + Services.Replace("    endpoints:\n", "    routes:\n" + routes + "    endpoints:\n", StringComparison.Ordinal));

    [Fact]
    public void Compile_SubsetsResolveToEndpointIndexes_OtherServiceToItsOwn()
    {
        var route = Orders("      - backends: [{subset: {version: v1}, weight: 90}, {subset: {version: v2}, weight: 10}, {service: billing, weight: 0}]\n").Routes.Single();

        Assert.Equal("route-0", route.Name);
        Assert.True(route.Matches.IsEmpty);
        Assert.Equal([0], route.Backends[0].Endpoints.ToArray());
        Assert.Equal([1, 2], route.Backends[1].Endpoints.ToArray());
        Assert.Equal(("billing", 0), (route.Backends[2].Service, route.Backends[2].Weight));
        Assert.Equal([0], route.Backends[2].Endpoints.ToArray());
        Assert.Equal(100, route.TotalWeight);
    }

    [Fact]
    public void Compile_Matches_AllKinds()
    {
        var route = Orders("      - name: api\n        matches:\n"
            + "          - {path: {prefix: /api/}, method: POST, headers: [{name: x-canary, exact: \"1\"}, {name: x-user, regex: \"u[0-9]+\"}], query: [{name: debug, present: true}]}\n"
            + "        backends: [{subset: {version: v2}}]\n").Routes.Single();

        var match = route.Matches.Single();
        Assert.Equal((PathMatchKind.Prefix, "/api"), (match.Path!.Kind, match.Path.Value));
        Assert.Equal("POST", match.Method);
        Assert.Equal(ValueMatchKind.Exact, match.Headers[0].Kind);
        Assert.Matches(match.Headers[1].Pattern!, "u42");
        Assert.DoesNotMatch(match.Headers[1].Pattern!, "xu42");
        Assert.Equal(ValueMatchKind.Present, match.Query.Single().Kind);
        Assert.Equal(1, route.Backends.Single().Weight);
    }

    [Fact]
    public void Load_NoRoutes_ServiceHasNone() => Assert.True(Valid(MeshHeader + Services).Services.First().Routes.IsEmpty);

    [Fact]
    public void Load_TwoPathKinds_Reported() =>
        AssertError(Error("      - matches: [{path: {exact: /a, prefix: /b}}]\n        backends: [{}]\n"), 9, 26, "services.orders.routes[0].matches[0].path", "exactly one of exact, prefix, regex");

    [Fact]
    public void Load_PathWithoutSlash_Reported() =>
        AssertError(Error("      - matches: [{path: {prefix: api}}]\n        backends: [{}]\n"), 9, 35, "services.orders.routes[0].matches[0].path.prefix", "must start with '/'");

    [Fact]
    public void Load_UnknownMethod_Reported() =>
        AssertError(Error("      - matches: [{method: FETCH}]\n        backends: [{}]\n"), 9, 28, "services.orders.routes[0].matches[0].method", "method 'FETCH' is not one of");

    [Fact]
    public void Load_BacktrackingRegex_Reported() =>
        AssertError(Error("      - matches: [{path: {regex: \"(a)\\\\1\"}}]\n        backends: [{}]\n"), 9, 34, "services.orders.routes[0].matches[0].path.regex", "needs backtracking");

    [Fact]
    public void Load_HugeRepetition_Reported() =>
        AssertError(Error("      - matches: [{path: {regex: \"(a{1000}){1000}\"}}]\n        backends: [{}]\n"), 9, 34, "services.orders.routes[0].matches[0].path.regex", "exceeds {100}");

    [Fact]
    public void Load_RegexTooLong_Reported() =>
        Assert.Contains("at most 512", Error($"      - matches: [{{path: {{regex: \"{new string('a', 513)}\"}}}}]\n        backends: [{{}}]\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Load_HeaderWithTwoKinds_Reported() =>
        AssertError(Error("      - matches: [{headers: [{name: x, exact: a, present: true}]}]\n        backends: [{}]\n"), 9, 30, "services.orders.routes[0].matches[0].headers[0]", "exactly one of exact, regex, present");

    [Fact]
    public void Load_BadHeaderName_Reported() =>
        AssertError(Error("      - matches: [{headers: [{name: \"x y\", present: true}]}]\n        backends: [{}]\n"), 9, 37, "services.orders.routes[0].matches[0].headers[0].name", "must be an HTTP token");

    [Fact]
    public void Load_UnknownBackendService_Reported() =>
        AssertError(Error("      - backends: [{service: payments}]\n"), 9, 30, "services.orders.routes[0].backends[0].service", "service 'payments' is not defined");

    [Fact]
    public void Load_SubsetSelectingNothing_Reported() =>
        AssertError(Error("      - backends: [{subset: {version: v3}}]\n"), 9, 20, "services.orders.routes[0].backends[0]", "subset selects no endpoint of service 'orders'");

    [Fact]
    public void Load_AllWeightsZero_Reported() =>
        AssertError(Error("      - backends: [{weight: 0}]\n"), 9, 9, "services.orders.routes[0].backends", "every backend has weight 0");

    [Fact]
    public void Load_WeightOutOfRange_Reported() =>
        AssertError(Error("      - backends: [{weight: 1000001}]\n"), 9, 29, "services.orders.routes[0].backends[0].weight", "between 0 and 1000000");

    [Fact]
    public void Load_NoBackends_Reported() =>
        AssertError(Error("      - name: x\n"), 9, 9, "services.orders.routes[0].backends", "at least one backend");

    [Fact]
    public void Load_DuplicateRouteName_Reported() =>
        AssertError(Error("      - {name: a, backends: [{}]}\n      - {name: a, backends: [{}]}\n"), 10, 16, "services.orders.routes[1].name", "duplicate route name 'a'");

    [Fact]
    public void Load_HashWithBothKeys_Reported() =>
        AssertError(Error("      - {backends: [{}], hash: {header: x-user, client_address: true}}\n"), 9, 32, "services.orders.routes[0].hash", "exactly one of header");

    [Fact]
    public void Load_TcpServiceRouteWithMatches_Reported()
    {
        var yaml = MeshHeader + "services:\n  db:\n    port: 5432\n    mesh_tls: false\n    endpoints: [198.18.0.2:5432]\n    routes:\n      - {matches: [{method: GET}], backends: [{}]}\n";

        AssertError(SingleError(yaml), 9, 20, "services.db.routes[0].matches[0]", "a tcp service's routes split connections");
    }

    [Fact]
    public void Compile_RetriesAndTimeouts_WithTheAnchorsDefaults()
    {
        var route = Orders("      - backends: [{}]\n        timeouts: {request: 2s, per_try: 300ms, idle: 10s}\n"
            + "        retries: {on: [5xx, reset], codes: [429], grpc: [unavailable]}\n").Routes.Single();

        Assert.Equal(new RouteTimeouts(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(10)), route.Timeouts);
        var retries = route.Retries!;
        Assert.Equal(2, retries.Attempts);
        Assert.Equal(RetryOn.Status5xx | RetryOn.Reset, retries.On);
        Assert.Equal([429], retries.Codes.ToArray());
        Assert.Equal([14], retries.GrpcStatuses.ToArray());
        Assert.Equal((TimeSpan.FromMilliseconds(25), TimeSpan.FromMilliseconds(250)), (retries.BackoffBase, retries.BackoffMax));
        Assert.Equal(new RetryBudgetSpec(0.2, 10, TimeSpan.FromSeconds(10)), retries.Budget);
    }

    [Fact]
    public void Load_UnknownRetryCondition_Reported() =>
        AssertError(Error("      - {backends: [{}], retries: {on: [5xx, gateway-error]}}\n"), 9, 46, "services.orders.routes[0].retries.on[1]", "retry condition 'gateway-error' is not one of");

    [Fact]
    public void Load_UnknownGrpcStatus_Reported() =>
        Assert.Contains("gRPC status 'ok' is not one of", Error("      - {backends: [{}], retries: {grpc: [ok]}}\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Load_RetriesWithoutCondition_Reported() =>
        Assert.Contains("at least one condition", Error("      - {backends: [{}], retries: {attempts: 3}}\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Load_AttemptsOutOfRange_Reported() =>
        Assert.Contains("between 1 and 10", Error("      - {backends: [{}], retries: {attempts: 11, on: [5xx]}}\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Load_BudgetRatioAboveOne_Reported() =>
        Assert.Contains("between 0 and 1", Error("      - {backends: [{}], retries: {on: [5xx], budget: {ratio: 1.5}}}\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Load_BudgetTtlOutOfRange_Reported() =>
        Assert.Contains("between 1s and 60s", Error("      - {backends: [{}], retries: {on: [5xx], budget: {ttl: 2m}}}\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Load_BackoffMaxBelowBase_Reported() =>
        Assert.Contains("must not be below backoff.base", Error("      - {backends: [{}], retries: {on: [5xx], backoff: {base: 100ms, max: 50ms}}}\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Load_TcpRouteWithRetries_Reported()
    {
        var yaml = MeshHeader + "services:\n  db:\n    port: 5432\n    mesh_tls: false\n    endpoints: [198.18.0.2:5432]\n    routes:\n      - {backends: [{}], retries: {on: [reset]}}\n";

        Assert.Contains("a tcp service's routes cannot have them", SingleError(yaml).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_Fault_PercentDefaultsToAll()
    {
        var fault = Orders("      - {backends: [{}], fault: {delay: {duration: 1s}, abort: {grpc: unavailable, percent: 2.5}, header: x-test}}\n").Routes.Single().Fault!;

        Assert.Equal(new FaultPolicy(TimeSpan.FromSeconds(1), 100, null, 14, 2.5, "x-test"), fault);
    }

    [Fact]
    public void Load_FaultAbortWithStatusAndGrpc_Reported() =>
        Assert.Contains("exactly one of status (HTTP) or grpc", Error("      - {backends: [{}], fault: {abort: {status: 503, grpc: internal}}}\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Load_FaultPercentAbove100_Reported() =>
        Assert.Contains("percentage between 0 and 100", Error("      - {backends: [{}], fault: {abort: {status: 503, percent: 150}}}\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Load_EmptyFault_Reported() =>
        Assert.Contains("a delay, an abort or both", Error("      - {backends: [{}], fault: {header: x-test}}\n").Message, StringComparison.Ordinal);
}
