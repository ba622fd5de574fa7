using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// Accept loop shared by the test apps: listens on [::]:port (dual mode) inside a host namespace, serves up
/// to a bounded number of connections concurrently, each under a time limit, and records who connected.
/// </summary>
internal abstract class TestServer : IAsyncDisposable
{
    /// <summary>Longest any one test connection may live; the 50 MB drain transfer needs well under this.</summary>
    public static readonly TimeSpan ConnectionTimeout = TimeSpan.FromSeconds(60);

    private readonly Socket listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentQueue<IPEndPoint> acceptedFrom = new();
    private readonly ConcurrentBag<Task> handlers = [];
    private Task acceptLoop = Task.CompletedTask;

    protected TestServer(NetnsHost host, int port) => listener = host.Listen(port);

    /// <summary>Remote endpoints of accepted connections, IPv4-mapped addresses unmapped.</summary>
    public IReadOnlyList<IPEndPoint> AcceptedFrom => acceptedFrom.ToArray();

    protected void Start(int maxConnections) => acceptLoop = Task.Run(() => AcceptLoopAsync(maxConnections));

    protected abstract Task ServeAsync(Socket connection, CancellationToken cancellationToken);

    private async Task AcceptLoopAsync(int maxConnections)
    {
        for (var i = 0; i < maxConnections && !stopping.IsCancellationRequested; i++)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            acceptedFrom.Enqueue(Unmap((IPEndPoint)connection.RemoteEndPoint!));
            handlers.Add(Task.Run(() => HandleAsync(connection)));
        }
    }

    private async Task HandleAsync(Socket connection)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        timeout.CancelAfter(ConnectionTimeout);
        try
        {
            await ServeAsync(connection, timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // A reset or timed-out connection is an outcome the test observes on the client side.
        }
        finally
        {
            connection.Dispose();
        }
    }

    private static IPEndPoint Unmap(IPEndPoint endpoint) =>
        endpoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port) : endpoint;

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Dispose();
        await acceptLoop;
        await Task.WhenAll(handlers);
        stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
