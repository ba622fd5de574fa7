using System.Net;
using System.Net.Sockets;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// One simulated VM: a network namespace with loopback up. Test code can run commands inside it and,
/// through <see cref="NamespaceSockets"/>, open sockets that live in it, so the test process plays both
/// the client app and the server app of the mesh hosts.
/// </summary>
internal sealed class NetnsHost : IAsyncDisposable
{
    private bool disposed;

    private NetnsHost(string name, string label, IPAddress? ipv4, IPAddress? ipv6)
    {
        Name = name;
        Label = label;
        IPv4 = ipv4;
        IPv6 = ipv6;
    }

    /// <summary>Namespace name as `ip netns` knows it (unique per test).</summary>
    public string Name { get; }

    /// <summary>Short role label (a, b, c) for messages.</summary>
    public string Label { get; }

    public IPAddress? IPv4 { get; }

    public IPAddress? IPv6 { get; }

    public IPAddress Address(AddressFamily family) =>
        (family == AddressFamily.InterNetworkV6 ? IPv6 : IPv4) ??
        throw new InvalidOperationException($"host {Label} has no {family} address");

    public static async Task<NetnsHost> CreateAsync(string name, string label, IPAddress? ipv4 = null, IPAddress? ipv6 = null)
    {
        (await ProcessRunner.RunAsync("ip", "netns", "add", name)).EnsureSuccess();
        var host = new NetnsHost(name, label, ipv4, ipv6);
        (await host.ExecAsync("ip", "link", "set", "lo", "up")).EnsureSuccess();
        return host;
    }

    /// <summary>Runs a command inside the namespace (as root) with the default timeout.</summary>
    public Task<ProcessResult> ExecAsync(params string[] args) => ExecAsync(args, null);

    public Task<ProcessResult> ExecAsync(IEnumerable<string> args, TimeSpan? timeout) =>
        ProcessRunner.RunAsync("ip", new[] { "netns", "exec", Name }.Concat(args), timeout);

    /// <summary>A socket created inside this namespace; it stays there whatever thread later uses it.</summary>
    public Socket CreateSocket(AddressFamily family, SocketType type = SocketType.Stream, ProtocolType protocol = ProtocolType.Tcp) =>
        NamespaceSockets.Create(Name, family, type, protocol);

    /// <summary>A listening TCP socket on [::]:port accepting IPv4 and IPv6 (dual mode).</summary>
    public Socket Listen(int port, int backlog = 64)
    {
        var socket = CreateSocket(AddressFamily.InterNetworkV6);
        socket.DualMode = true;
        socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
        socket.Listen(backlog);
        return socket;
    }

    /// <summary>Connects from inside this namespace, as an app on this host would.</summary>
    public async Task<Socket> ConnectAsync(IPEndPoint remote, TimeSpan timeout)
    {
        var socket = CreateSocket(remote.AddressFamily);
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            await socket.ConnectAsync(remote, cts.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        await KillProcessesAsync(Name);
        await ProcessRunner.RunAsync("ip", "netns", "del", Name);
    }

    /// <summary>SIGKILLs whatever still runs in the namespace (a relay that ignored SIGTERM, an app).</summary>
    public static async Task KillProcessesAsync(string name)
    {
        var pids = await ProcessRunner.RunAsync("ip", "netns", "pids", name);
        foreach (var line in pids.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(line, out var pid) && pid != Environment.ProcessId)
            {
                NativeMethods.kill(pid, NativeMethods.SigKill);
            }
        }
    }
}
