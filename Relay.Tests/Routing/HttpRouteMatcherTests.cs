using Microsoft.AspNetCore.Http;
using Relay.Core.Config;
using Relay.Core.Routing;

namespace Relay.Tests.Routing;

/// <summary>Every matcher on its own, AND within a match, OR across matches, first route wins.</summary>
[Trait("Tier", "Unit")]
public sealed class HttpRouteMatcherTests
{
    private static string? Taken(ServiceSnapshot service, string target, string method = "GET", string? headers = null)
    {
        var context = new DefaultHttpContext();
        foreach (var pair in (headers ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = (pair.Split('=')[0], pair.Split('=')[1]);
            context.Request.Headers.Append(name, value);
        }
        var query = target.IndexOf('?');
        context.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(target[query..]);
        var request = new RouteRequest(RequestPath.Normalize(target), method, context.Request.Headers, context.Request.Query);
        return HttpRouteMatcher.Match(service.Routes, request)?.Name;
    }

    private static ServiceSnapshot Routes(string matches) =>
        RouteConfigTests.Orders($"      - name: r\n        matches: [{matches}]\n        backends: [{{}}]\n");

    [Theory]
    [InlineData("/api", true)]
    [InlineData("/api/", false)]
    [InlineData("/api?x=1", true)]
    [InlineData("/a/../api", true)]
    [InlineData("/API", false)]
    public void Path_Exact(string target, bool taken) => Assert.Equal(taken, Taken(Routes("{path: {exact: /api}}"), target) == "r");

    [Theory]
    [InlineData("/api", true)]
    [InlineData("/api/v1", true)]
    [InlineData("/apix", false)]
    [InlineData("//api//v1", true)]
    [InlineData("/x%2F..%2Fapi", true)]
    public void Path_PrefixMatchesWholeSegments(string target, bool taken) => Assert.Equal(taken, Taken(Routes("{path: {prefix: /api/}}"), target) == "r");

    [Theory]
    [InlineData("/users/42", true)]
    [InlineData("/users/42/x", false)]
    [InlineData("/users/abc", false)]
    public void Path_RegexIsAFullMatch(string target, bool taken) => Assert.Equal(taken, Taken(Routes("{path: {regex: \"/users/[0-9]+\"}}"), target) == "r");

    [Fact]
    public void Method_IsExact()
    {
        var service = Routes("{method: POST}");
        Assert.Equal("r", Taken(service, "/", "POST"));
        Assert.Null(Taken(service, "/", "GET"));
    }

    [Fact]
    public void Headers_ExactRegexPresent_NamesCaseInsensitive()
    {
        var exact = Routes("{headers: [{name: x-canary, exact: \"1\"}]}");
        Assert.Equal("r", Taken(exact, "/", headers: "X-Canary=1"));
        Assert.Null(Taken(exact, "/", headers: "x-canary=2"));
        Assert.Null(Taken(exact, "/"));
        var regex = Routes("{headers: [{name: x-user, regex: \"u[0-9]+\"}]}");
        Assert.Equal("r", Taken(regex, "/", headers: "x-user=u7"));
        Assert.Null(Taken(regex, "/", headers: "x-user=u7x"));
        var present = Routes("{headers: [{name: x-debug, present: true}]}");
        Assert.Equal("r", Taken(present, "/", headers: "x-debug=anything"));
        Assert.Null(Taken(present, "/"));
    }

    [Fact]
    public void Query_ExactAndPresent_FirstValueCounts()
    {
        var service = Routes("{query: [{name: v, exact: \"2\"}]}");
        Assert.Equal("r", Taken(service, "/x?v=2"));
        Assert.Equal("r", Taken(service, "/x?v=2&v=3"));
        Assert.Null(Taken(service, "/x?v=3&v=2"));
        Assert.Null(Taken(service, "/x"));
        Assert.Equal("r", Taken(Routes("{query: [{name: debug, present: true}]}"), "/x?debug"));
    }

    [Fact]
    public void ConditionsInOneMatch_AllMustHold()
    {
        var service = Routes("{path: {prefix: /api}, method: GET, headers: [{name: x-canary, exact: \"1\"}]}");
        Assert.Equal("r", Taken(service, "/api/x", "GET", "x-canary=1"));
        Assert.Null(Taken(service, "/api/x", "POST", "x-canary=1"));
        Assert.Null(Taken(service, "/other", "GET", "x-canary=1"));
        Assert.Null(Taken(service, "/api/x", "GET"));
    }

    [Fact]
    public void MatchesOfOneRoute_AnyMayHold()
    {
        var service = Routes("{path: {exact: /a}}, {method: DELETE}");
        Assert.Equal("r", Taken(service, "/a"));
        Assert.Equal("r", Taken(service, "/b", "DELETE"));
        Assert.Null(Taken(service, "/b"));
    }

    [Fact]
    public void FirstRouteInFileOrderWins_AndAnEmptyMatchListTakesTheRest()
    {
        var service = RouteConfigTests.Orders(
            "      - {name: canary, matches: [{headers: [{name: x-canary, exact: \"1\"}]}], backends: [{subset: {version: v2}}]}\n"
            + "      - {name: api, matches: [{path: {prefix: /api}}], backends: [{subset: {version: v1}}]}\n"
            + "      - {name: rest, backends: [{}]}\n"
            + "      - {name: never, backends: [{}]}\n");

        Assert.Equal("canary", Taken(service, "/api/x", headers: "x-canary=1"));
        Assert.Equal("api", Taken(service, "/api/x"));
        Assert.Equal("rest", Taken(service, "/other"));
    }

    [Fact]
    public void NoRouteMatching_IsNull() => Assert.Null(Taken(Routes("{path: {exact: /only}}"), "/else"));
}
