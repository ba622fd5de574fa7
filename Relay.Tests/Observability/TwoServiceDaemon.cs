using Relay.Tests.Daemon;
using Relay.Tests.Support;

namespace Relay.Tests.Observability;

/// <summary>
/// A running daemon with two HTTP services behind explicit outbound listeners, for the tests that
/// look at what the admin port reports about real traffic (Prometheus, the dashboard): <c>orders</c>
/// leads to a live app through one route (<c>hello</c>, every request), <c>billing</c> (no routes) to a
/// port nobody listens on, so each of its requests is a 503.
/// </summary>
internal sealed class TwoServiceDaemon : IAsyncDisposable
{
    private readonly DaemonProcess _relay;

    private TwoServiceDaemon(DaemonProcess relay, string configPath, int ordersListener, int billingListener, int admin)
    {
        _relay = relay;
        ConfigPath = configPath;
        OrdersListener = ordersListener;
        BillingListener = billingListener;
        Admin = admin;
    }

    /// <summary>The mesh.yaml the daemon watches (tests edit it to trigger reloads).</summary>
    public string ConfigPath { get; }

    public int OrdersListener { get; }

    public int BillingListener { get; }

    public int Admin { get; }

    /// <summary>Writes mesh.yaml into <paramref name="dir"/>, starts the daemon and waits for READY=1.</summary>
    public static async Task<TwoServiceDaemon> StartAsync(string dir, int appPort)
    {
        // All at once: consecutive FreePorts.Next() calls could once return the same port.
        var ports = FreePorts.Distinct(6);
        int ordersListener = ports[2], billingListener = ports[3], admin = ports[4];
        var config = Path.Combine(dir, "mesh.yaml");
        File.WriteAllText(config, $$"""
            mesh: { trust_domain: mesh.test }
            capture: { outbound_port: {{ports[0]}}, inbound_port: {{ports[1]}}, ipv6: false }
            admin: { address: "127.0.0.1:{{admin}}" }
            services:
              orders: { port: 80, endpoints: ["127.0.0.1:{{appPort}}"], mesh_tls: false, protocol: http, routes: [{ name: hello, backends: [{ weight: 1 }] }] }
              billing: { port: 81, endpoints: ["127.0.0.1:{{ports[5]}}"], mesh_tls: false, protocol: http }
            listeners:
              - { address: "127.0.0.1:{{ordersListener}}", direction: outbound, service: orders }
              - { address: "127.0.0.1:{{billingListener}}", direction: outbound, service: billing }
            """);
        var relay = DaemonProcess.Start(dir, config);
        await relay.WaitForDatagramAsync(m => m.StartsWith("READY=1", StringComparison.Ordinal));
        return new TwoServiceDaemon(relay, config, ordersListener, billingListener, admin);
    }

    public ValueTask DisposeAsync() => _relay.DisposeAsync();
}
