using Relay.Daemon.Commands;
using Relay.Daemon.Hosting;
using Serilog.Events;

namespace Relay.Tests.Daemon;

[Trait("Tier", "Unit")]
[Collection(ConsoleCollection.Name)]
public sealed class DaemonCommandTests : IDisposable
{
    private const string Invalid = """
        mesh: { trust_domain: mesh.test }
        capture: { outbound_policy: sometimes }
        services:
          orders: { port: 8080, endpoints: [not-an-address], mesh_tls: false }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("relay-cmd-").FullName;

    [Fact]
    public async Task Run_InvalidConfig_ExitsTwoWithEveryErrorAndBindsNothing()
    {
        var path = Write("mesh.yaml", Invalid);
        var (code, stderr) = await CaptureErrorAsync(() => DaemonHost.RunAsync(path, false, LogEventLevel.Information, new Relay.Core.Lifecycle.ReloadOptions { StateDirectory = _dir }, CancellationToken.None));
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains($"{path}:2:", stderr);
        Assert.Contains("capture.outbound_policy", stderr);
        Assert.Contains($"{path}:4:", stderr);
        Assert.Contains("services.orders.endpoints[0]", stderr);
        Assert.Contains("2 error(s); nothing applied", stderr);
    }

    [Fact]
    public async Task Validate_ValidAndInvalid_ExitCodes()
    {
        var good = Write("good.yaml", "mesh: { trust_domain: mesh.test }\n");
        var bad = Write("bad.yaml", Invalid);
        var command = ValidateCommand.Create();
        var root = new System.CommandLine.RootCommand { command };
        Assert.Equal(ExitCodes.Ok, await root.Parse(["validate", good]).InvokeAsync());
        var (code, stderr) = await CaptureErrorAsync(() => root.Parse(["validate", bad]).InvokeAsync());
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("capture.outbound_policy", stderr);
        Assert.Contains("services.orders.endpoints[0]", stderr);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Code, string Stderr)> CaptureErrorAsync(Func<Task<int>> action)
    {
        var original = Console.Error;
        var capture = new StringWriter();
        Console.SetError(capture);
        try
        {
            return (await action(), capture.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

/// <summary>Tests that redirect Console.Error must not run in parallel with each other.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}
