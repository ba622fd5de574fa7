using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Relay.Core.Config;
using Relay.Core.Net;

namespace Relay.Bench.Micro;

/// <summary>
/// Original destination → service on a route table compiled from a mesh.yaml with 100 services
/// (3 endpoints and one virtual address each, so 400 destinations): once per outbound connection.
/// </summary>
[MemoryDiagnoser]
public class RouteLookupBenchmarks
{
    // 100 services is a large single-host mesh.yaml; the frozen dictionary's cost does not grow with it.
    private const int Services = 100;

    private RouteTable _routes = null!;
    private OriginalDestination _endpointHit;
    private OriginalDestination _addressHit;
    private OriginalDestination _miss;

    [GlobalSetup]
    public void Setup()
    {
        var result = ConfigLoader.LoadText(Yaml(), "bench.yaml");
        _routes = result.Snapshot?.Routes ?? throw new InvalidOperationException(string.Join("\n", result.Errors));
        _endpointHit = new OriginalDestination(new NetEndpoint(IPAddress.Parse("198.18.0.50"), 8080));
        _addressHit = new OriginalDestination(new NetEndpoint(IPAddress.Parse("198.19.0.77"), 80));
        _miss = new OriginalDestination(new NetEndpoint(IPAddress.Parse("203.0.113.9"), 443));
    }

    [Benchmark(Baseline = true)]
    public ServiceSnapshot? EndpointHit() => _routes.Lookup(_endpointHit);

    [Benchmark]
    public ServiceSnapshot? VirtualAddressHit() => _routes.Lookup(_addressHit);

    [Benchmark]
    public ServiceSnapshot? Miss() => _routes.Lookup(_miss);

    private static string Yaml()
    {
        var yaml = new StringBuilder("mesh: { trust_domain: bench.local }\nservices:\n");
        for (var i = 0; i < Services; i++)
        {
            yaml.Append($"  svc-{i}: {{ port: 80, addresses: [198.19.0.{i}], mesh_tls: false, ")
                .Append($"endpoints: [198.18.0.{i}:8080, 198.18.1.{i}:8080, 198.18.2.{i}:8080] }}\n");
        }
        return yaml.ToString();
    }
}
