using Relay.Core.Config;
using Relay.Core.Config.Diff;
using Relay.Tests.Systemd;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

/// <summary>ConfigDiff.Compare on two snapshots compiled by the daemon's loader: each kind of change, and none.</summary>
[Trait("Tier", "Unit")]
public sealed class ConfigDiffTests
{
    /// <summary>orders: v1 on .2, v2 on .3, one 90/10 split route; billing: one endpoint; inbound 8080.</summary>
    private const string Base = MeshHeader
        + "inbound: [{port: 8080}]\n"
        + "services:\n"
        + "  orders:\n    port: 80\n    mesh_tls: false\n    protocol: http\n"
        + "    endpoints:\n"
        + "      - {address: 198.18.0.2:80, labels: {version: v1}}\n"
        + "      - {address: 198.18.0.3:80, labels: {version: v2}}\n"
        + "    routes:\n"
        + "      - name: split\n        backends: [{subset: {version: v1}, weight: 90}, {subset: {version: v2}, weight: 10}]\n"
        + "  billing: {port: 81, mesh_tls: false, endpoints: [198.18.0.9:81]}\n";

    private static IReadOnlyList<ConfigChange> Diff(string candidate) => ConfigDiff.Compare(Valid(Base), Valid(candidate));

    private static string Edit(string from, string to)
    {
        Assert.Contains(from, Base, StringComparison.Ordinal);
        return Base.Replace(from, to, StringComparison.Ordinal);
    }

    [Fact]
    public void SameFile_DefaultsWrittenOut_Comments_NoChanges()
    {
        // Writing a default out (peak-ewma for HTTP; connect timeout = limits.connect_timeout's 2s) compiles the same.
        var explicitDefaults = Edit("    protocol: http\n", "    protocol: http\n    load_balancing: peak-ewma\n    timeouts: {connect: 2s}\n    circuit_breakers: {max_requests: 1024}\n");

        Assert.Empty(Diff(Base));
        Assert.Empty(Diff(explicitDefaults));
        // A comment changes the revision, not the config.
        Assert.NotEqual(Valid(Base).Revision, Valid(Base + "# reviewed\n").Revision);
        Assert.Empty(Diff(Base + "# reviewed\n"));
    }

    [Fact]
    public void WeightChanged_OneChangeOnTheBackendKey()
    {
        var change = Assert.Single(Diff(Edit("{version: v2}, weight: 10}", "{version: v2}, weight: 50}")));

        Assert.Equal(new ConfigChange(ChangeKind.Changed, "services[orders].routes[split].backends[orders{version=v2}].weight", "10", "50"), change);
    }

    [Fact]
    public void GuardAdded_AndInboundAuthorizationRoutes_Listed()
    {
        var guard = Assert.Single(Diff(Edit("{version: v2}, weight: 10}]\n", "{version: v2}, weight: 10}]\n        guard: {min_requests: 50}\n")));
        var authz = Diff(Edit("inbound: [{port: 8080}]", "inbound: [{port: 8080, protocol: auto, routes: [{name: read, matches: [{method: GET}], allow: [\"spiffe://corp.example/web\"]}]}]"));

        Assert.Equal(new ConfigChange(ChangeKind.Changed, "services[orders].routes[split].guard", "none", "min_success_rate 0.99, min_requests 50, window 1m"), guard);
        var added = Assert.Single(authz, c => c.Kind == ChangeKind.Added);
        Assert.Equal(("inbound[8080].routes[read]", "matches [{method GET}], allow [spiffe://corp.example/web]"), (added.Key, added.After));
    }

    [Fact]
    public void RouteAdded_AndRemoved_NamedAndSummarised()
    {
        var added = Diff(Edit("    routes:\n", "    routes:\n      - name: testers\n        matches: [{headers: [{name: x-canary, exact: \"1\"}]}]\n        backends: [{subset: {version: v2}}]\n"));
        var removed = Diff(Edit("    routes:\n      - name: split\n        backends: [{subset: {version: v1}, weight: 90}, {subset: {version: v2}, weight: 10}]\n", ""));

        var a = Assert.Single(added);
        Assert.Equal((ChangeKind.Added, "services[orders].routes[testers]"), (a.Kind, a.Key));
        Assert.Equal("matches [{header x-canary exact 1}], backends [orders{version=v2} weight 1]", a.After);
        var r = Assert.Single(removed);
        Assert.Equal((ChangeKind.Removed, "services[orders].routes[split]"), (r.Kind, r.Key));
        Assert.Equal("matches [] (all), backends [orders{version=v1} weight 90, orders{version=v2} weight 10]", r.Before);
    }

    [Fact]
    public void RoutesReordered_ReportedAsOrder_BecauseFirstMatchWins()
    {
        var two = Edit("    routes:\n", "    routes:\n      - name: testers\n        matches: [{method: GET}]\n        backends: [{subset: {version: v2}}]\n");
        var swapped = two.Replace("      - name: testers\n        matches: [{method: GET}]\n        backends: [{subset: {version: v2}}]\n", "", StringComparison.Ordinal)
            .Replace("weight: 10}]\n", "weight: 10}]\n      - name: testers\n        matches: [{method: GET}]\n        backends: [{subset: {version: v2}}]\n", StringComparison.Ordinal);

        var change = Assert.Single(ConfigDiff.Compare(Valid(two), Valid(swapped)));

        Assert.Equal(new ConfigChange(ChangeKind.Changed, "services[orders].routes (order)", "[testers, split]", "[split, testers]"), change);
    }

    [Fact]
    public void EndpointAdded_Removed_LabelsChanged()
    {
        var changes = Diff(Edit(
            "      - {address: 198.18.0.2:80, labels: {version: v1}}\n      - {address: 198.18.0.3:80, labels: {version: v2}}\n",
            "      - {address: 198.18.0.3:80, labels: {version: v2, track: canary}, zone: z1}\n      - {address: 198.18.0.4:80, labels: {version: v1}}\n"));

        Assert.Equal(
            [
                new ConfigChange(ChangeKind.Removed, "services[orders].endpoints[198.18.0.2:80]", "labels {version=v1}", null),
                new ConfigChange(ChangeKind.Added, "services[orders].endpoints[198.18.0.4:80]", null, "labels {version=v1}"),
                new ConfigChange(ChangeKind.Changed, "services[orders].endpoints[198.18.0.3:80].labels", "{version=v2}", "{track=canary, version=v2}"),
                new ConfigChange(ChangeKind.Changed, "services[orders].endpoints[198.18.0.3:80].zone", "none", "z1"),
            ],
            changes);
    }

    [Fact]
    public void ServiceAdded_Removed_AndInboundPortAdded()
    {
        var changes = Diff(Edit("  billing: {port: 81, mesh_tls: false, endpoints: [198.18.0.9:81]}\n", "  search: {port: 82, mesh_tls: false, endpoints: [198.18.0.8:82, 198.18.0.7:82]}\n")
            .Replace("inbound: [{port: 8080}]", "inbound: [{port: 8080}, {port: 9090}]", StringComparison.Ordinal));

        Assert.Equal(
            [
                new ConfigChange(ChangeKind.Added, "inbound[9090]", null, "forward_to 127.0.0.1:9090, protocol tcp, mtls permissive"),
                new ConfigChange(ChangeKind.Removed, "services[billing]", "port 81, protocol tcp, 1 endpoints, 0 routes", null),
                new ConfigChange(ChangeKind.Added, "services[search]", null, "port 82, protocol tcp, 2 endpoints, 0 routes"),
            ],
            changes);
    }

    [Fact]
    public void ScalarKeys_ServicePortLimitsAndRouteTimeout_OneChangeEach()
    {
        var changes = Diff(Edit("  billing: {port: 81,", "  billing: {port: 83,") + "limits: {connect_timeout: 500ms}\n");
        var timeout = Diff(Edit("weight: 10}]\n", "weight: 10}]\n        timeouts: {request: 2s}\n"));

        Assert.Contains(new ConfigChange(ChangeKind.Changed, "services[billing].port", "81", "83"), changes);
        Assert.Contains(new ConfigChange(ChangeKind.Changed, "limits.connect_timeout", "2s", "500ms"), changes);
        Assert.Equal(new ConfigChange(ChangeKind.Changed, "services[orders].routes[split].timeouts.request", "none", "2s"), Assert.Single(timeout));
        var retries = Assert.Single(Diff(Edit("weight: 10}]\n", "weight: 10}]\n        retries: {attempts: 3, on: [5xx, connect-failure]}\n")));
        Assert.Equal(("services[orders].routes[split].retries", "none"), (retries.Key, retries.Before));
        Assert.StartsWith("attempts 3, on [connect-failure, 5xx], codes [], grpc [], backoff 25ms..250ms", retries.After, StringComparison.Ordinal);
    }

    [Fact]
    public void Discovery_ServiceSourceAndSection_ReportedPerKey()
    {
        var changes = Diff(Edit("  billing: {port: 81, mesh_tls: false, endpoints: [198.18.0.9:81]}\n", "  billing: {port: 81, mesh_tls: false, srv: _billing._tcp.service.consul}\n")
            + "discovery: {resolvers: [127.0.0.1:8600], min_ttl: 1s}\n");

        Assert.Contains(new ConfigChange(ChangeKind.Changed, "services[billing].discovery", "none", "srv:_billing._tcp.service.consul"), changes);
        Assert.Contains(new ConfigChange(ChangeKind.Changed, "discovery.resolvers", "[]", "[127.0.0.1:8600]"), changes);
        Assert.Contains(new ConfigChange(ChangeKind.Changed, "discovery.min_ttl", "5s", "1s"), changes);
    }

    [Fact]
    public void BalancingKeys_LoadBalancerBreakersAndRateLimit_ReportedPerKey()
    {
        var changes = Diff(Edit("    protocol: http\n", "    protocol: http\n    load_balancing: least-request\n    circuit_breakers: {max_requests: 10}\n")
            .Replace("inbound: [{port: 8080}]", "inbound: [{port: 8080, protocol: auto, rate_limit: {requests_per_second: 100, burst: 20}}]", StringComparison.Ordinal));

        Assert.Equal(
            [
                new ConfigChange(ChangeKind.Changed, "inbound[8080].protocol", "tcp", "auto"),
                new ConfigChange(ChangeKind.Changed, "inbound[8080].rate_limit", "none", "100 per s, burst 20"),
                new ConfigChange(ChangeKind.Changed, "services[orders].load_balancing", "peak-ewma", "least-request"),
                new ConfigChange(ChangeKind.Changed, "services[orders].circuit_breakers.max_requests", "1024", "10"),
            ],
            changes);
    }

    [Fact]
    public void Text_MarksEachKind_CountsThem_StableAcrossRuns()
    {
        var changes = Diff(Edit("weight: 10}]", "weight: 30}]").Replace("      - {address: 198.18.0.3:80, labels: {version: v2}}\n", "      - {address: 198.18.0.3:80, labels: {version: v2}}\n      - {address: 198.18.0.5:80, labels: {version: v2}}\n", StringComparison.Ordinal));
        var report = new ConfigDiffReport("new.yaml", "bbbbbbbbbbbb", "running revision aaaaaaaaaaaa", "aaaaaaaaaaaa", [.. changes]);

        var text = Render(report);

        Assert.Equal(
            "comparing new.yaml (revision bbbbbbbbbbbb)\n"
            + "     with running revision aaaaaaaaaaaa\n"
            + "+ services[orders].endpoints[198.18.0.5:80]: labels {version=v2}\n"
            + "~ services[orders].routes[split].backends[orders{version=v2}].weight: 10 -> 30\n"
            + "2 changes (1 added, 0 removed, 1 changed)\n",
            text);
        Assert.Equal(text, Render(report));
    }

    [Fact]
    public void Json_SourceGenerated_KindsAsWords()
    {
        var report = new ConfigDiffReport("new.yaml", "b", "running revision a", "a", [new ConfigChange(ChangeKind.Removed, "services[billing]", "port 81", null)]);

        var json = System.Text.Json.JsonDocument.Parse(ConfigDiffJson.Serialize(report)).RootElement;

        var change = json.GetProperty("changes").EnumerateArray().Single();
        Assert.Equal("removed", change.GetProperty("kind").GetString());
        Assert.Equal("services[billing]", change.GetProperty("key").GetString());
        Assert.False(change.TryGetProperty("after", out _));
        Assert.Equal(1, json.GetProperty("removed").GetInt32());
        Assert.Equal("a", json.GetProperty("baselineRevision").GetString());
    }

    [Fact]
    public void Docs_WalkthroughAndOperationsSample_IsWhatTheDiffPrints()
    {
        // docs/traffic.md step 1 (all on v1) and the step 2 edit (testers route, 90/10, hash), as one host writes them.
        const string Step1 = MeshHeader + "services:\n  orders:\n    port: 8080\n    protocol: http\n    mesh_tls: false\n    endpoints:\n"
            + "      - { address: 198.18.0.2:8080, labels: { version: v1 } }\n      - { address: 198.18.0.3:8080, labels: { version: v2 } }\n"
            + "    routes:\n      - name: split\n        backends: [{ subset: { version: v1 }, weight: 100 }, { subset: { version: v2 }, weight: 0 }]\n";
        var step2 = Step1.Replace(
            "      - name: split\n        backends: [{ subset: { version: v1 }, weight: 100 }, { subset: { version: v2 }, weight: 0 }]\n",
            "      - name: testers\n        matches: [{ headers: [{ name: x-canary, exact: \"1\" }] }]\n        backends: [{ subset: { version: v2 } }]\n"
            + "      - name: split\n        backends: [{ subset: { version: v1 }, weight: 90 }, { subset: { version: v2 }, weight: 10 }]\n        hash: { header: x-user }\n",
            StringComparison.Ordinal);
        var printed = Render(new ConfigDiffReport("c", "r", "b", "r", ConfigDiff.Compare(Valid(Step1), Valid(step2)))).Split('\n')[2..^1];

        foreach (var doc in new[] { "docs/traffic.md", "docs/operations.md" })
        {
            var documented = File.ReadAllLines(RepoFiles.PathOf(doc))
                .Select(l => l.Trim())
                .Where(l => l.StartsWith("+ services", StringComparison.Ordinal) || l.StartsWith("~ services", StringComparison.Ordinal) || l.EndsWith(" changed)", StringComparison.Ordinal))
                .ToArray();
            Assert.Equal(printed, documented);
        }
    }

    private static string Render(ConfigDiffReport report)
    {
        using var writer = new StringWriter { NewLine = "\n" };
        ConfigDiffText.Write(writer, report);
        return writer.ToString();
    }
}
