namespace Relay.Tests.Lifecycle;

/// <summary>`relay config diff FILE` run as the CLI runs it, against a state directory a real ConfigLifecycle wrote.</summary>
[Trait("Tier", "Loopback")]
public sealed class ConfigDiffCommandTests
{
    private const string Split = """
          svc:
            port: 9000
            addresses: [198.18.10.1]
            mesh_tls: false
            endpoints:
              - { address: "127.0.0.1:1001", labels: { version: v1 } }
              - { address: "127.0.0.1:1002", labels: { version: v2 } }
            routes:
              - name: canary
                backends: [{ subset: { version: v1 }, weight: 90 }, { subset: { version: v2 }, weight: 10 }]
        """;

    /// <summary>The fixture's config with its one-line svc replaced by <paramref name="service"/>.</summary>
    private static string WithService(string yaml, string service) =>
        yaml[..yaml.IndexOf("  svc:", StringComparison.Ordinal)] + service + "\n";

    [Fact]
    public async Task Diff_AgainstRunningRevision_ListsWeightAndEndpointChanges_Exit1()
    {
        await using var f = new LifecycleFixture();
        var applied = WithService(f.Yaml("127.0.0.1:1001"), Split);
        await f.StartAsync(applied, watch: false);
        var running = f.Runtime.Current.Revision;
        var candidate = Path.Combine(f.Directory, "candidate.yaml");
        await File.WriteAllTextAsync(candidate, applied
            .Replace("weight: 90 }, { subset: { version: v2 }, weight: 10 }", "weight: 50 }, { subset: { version: v2 }, weight: 50 }", StringComparison.Ordinal)
            .Replace("      - { address: \"127.0.0.1:1002\", labels: { version: v2 } }\n", "      - { address: \"127.0.0.1:1002\", labels: { version: v2 } }\n      - { address: \"127.0.0.1:1003\", labels: { version: v2 } }\n", StringComparison.Ordinal));
        // The file the daemon was started from is edited too: the diff must still compare with what runs.
        await File.WriteAllTextAsync(f.ConfigPath, "mesh: { trust_domain: other.test }\n");

        var diff = await ConfigCommandTests.RunAsync("config", "diff", candidate, "--config", f.ConfigPath, "--state-dir", f.StateDirectory);
        var json = await ConfigCommandTests.RunAsync("config", "diff", candidate, "--json", "--config", f.ConfigPath, "--state-dir", f.StateDirectory);

        Assert.Equal(1, diff.Exit);
        Assert.Equal("", diff.Error);
        var lines = diff.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"comparing {candidate} (revision ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"     with running revision {running} (applied ", lines[1], StringComparison.Ordinal);
        Assert.Equal(
            [
                "+ services[svc].endpoints[127.0.0.1:1003]: labels {version=v2}",
                "~ services[svc].routes[canary].backends[svc{version=v1}].weight: 90 -> 50",
                "~ services[svc].routes[canary].backends[svc{version=v2}].weight: 10 -> 50",
                "3 changes (1 added, 0 removed, 2 changed)",
            ],
            lines[2..]);
        Assert.Equal(1, json.Exit);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Output);
        Assert.Equal(running, doc.RootElement.GetProperty("baselineRevision").GetString());
        Assert.Equal(3, doc.RootElement.GetProperty("changes").GetArrayLength());
    }

    [Fact]
    public async Task Diff_SameAsRunning_Exit0_NoChanges()
    {
        await using var f = new LifecycleFixture();
        var applied = WithService(f.Yaml("127.0.0.1:1001"), Split);
        await f.StartAsync(applied, watch: false);

        var diff = await ConfigCommandTests.RunAsync("config", "diff", f.ConfigPath, "--config", f.ConfigPath, "--state-dir", f.StateDirectory);

        Assert.Equal(0, diff.Exit);
        Assert.EndsWith("no changes\n", diff.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_InvalidCandidate_Exit2_WithPositionedErrors()
    {
        await using var f = new LifecycleFixture();
        await f.StartAsync(WithService(f.Yaml("127.0.0.1:1001"), Split), watch: false);
        var candidate = Path.Combine(f.Directory, "bad.yaml");
        await File.WriteAllTextAsync(candidate, (await File.ReadAllTextAsync(f.ConfigPath)).Replace("weight: 10 }", "weight: -1 }", StringComparison.Ordinal));

        var diff = await ConfigCommandTests.RunAsync("config", "diff", candidate, "--config", f.ConfigPath, "--state-dir", f.StateDirectory);

        Assert.Equal(2, diff.Exit);
        Assert.Equal("", diff.Output);
        Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(candidate)}:\d+:\d+: .*weight", diff.Error.Split('\n')[0]);
        Assert.Contains("not compared", diff.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_NoHistory_ComparesWithConfigFile_AndSaysSo()
    {
        var dir = Directory.CreateTempSubdirectory("relay-diff-");
        try
        {
            var config = Path.Combine(dir.FullName, "mesh.yaml");
            var candidate = Path.Combine(dir.FullName, "candidate.yaml");
            const string Yaml = "mesh: { trust_domain: mesh.test }\nservices:\n  a: { port: 80, mesh_tls: false, endpoints: [\"198.18.0.2:80\"] }\n";
            await File.WriteAllTextAsync(config, Yaml);
            await File.WriteAllTextAsync(candidate, Yaml.Replace("  a: {", "  b: {", StringComparison.Ordinal));
            var state = Path.Combine(dir.FullName, "state");

            var diff = await ConfigCommandTests.RunAsync("config", "diff", candidate, "--config", config, "--state-dir", state);

            Assert.Equal(1, diff.Exit);
            Assert.Contains($"in {config} (no applied config in {state})", diff.Output, StringComparison.Ordinal);
            Assert.Contains("- services[a]: port 80", diff.Output, StringComparison.Ordinal);
            Assert.Contains("+ services[b]: port 80", diff.Output, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
