using System.Net;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>The mesh.yaml shapes the Root tests use: a client host calling service "echo", a server host.</summary>
internal static class MeshConfigs
{
    public const int ServicePort = 8080;

    /// <summary>A host whose apps call service echo at the given endpoints (port 8080).</summary>
    public static MeshYamlOptions Client(params IPAddress[] endpoints) => new()
    {
        Services = [new ServiceSpec("echo", ServicePort, endpoints.Select(a => AccessLog.Format(a, ServicePort)).ToArray())],
    };

    /// <summary>A host serving port 8080 inbound (forwarded to 127.0.0.1:8080).</summary>
    public static MeshYamlOptions Server() => new() { InboundPorts = [ServicePort] };
}
