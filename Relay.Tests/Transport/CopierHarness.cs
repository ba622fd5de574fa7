using Relay.Core.Transport;
using Relay.Tests.Support;

namespace Relay.Tests.Transport;

/// <summary>
/// app ⇄ [client socket | copier | upstream socket] ⇄ server, all on loopback: the copier
/// sits between two real TCP connections exactly as in the daemon.
/// </summary>
internal sealed class CopierHarness : IAsyncDisposable
{
    private readonly LoopbackPair _clientSide;
    private readonly LoopbackPair _upstreamSide;

    private CopierHarness(LoopbackPair clientSide, LoopbackPair upstreamSide, int bufferSize)
    {
        _clientSide = clientSide;
        _upstreamSide = upstreamSide;
        ClientEnd = ConnectionEnd.ForSocket(clientSide.Right, bufferSize);
        UpstreamEnd = ConnectionEnd.ForSocket(upstreamSide.Left, bufferSize);
        Copy = Task.Run(() => DuplexCopier.CopyAsync(ClientEnd, UpstreamEnd, Clock));
    }

    /// <summary>The application's socket (talks to Relay).</summary>
    public System.Net.Sockets.Socket App => _clientSide.Left;

    /// <summary>The upstream server's socket (Relay talks to it).</summary>
    public System.Net.Sockets.Socket Server => _upstreamSide.Right;

    public ConnectionEnd ClientEnd { get; }

    public ConnectionEnd UpstreamEnd { get; }

    public ActivityClock Clock { get; } = new();

    public Task<DuplexResult> Copy { get; }

    public static async Task<CopierHarness> StartAsync(int bufferSize = 65536) =>
        new(await LoopbackPair.CreateAsync(), await LoopbackPair.CreateAsync(), bufferSize);

    public async ValueTask DisposeAsync()
    {
        _clientSide.Dispose();
        _upstreamSide.Dispose();
        await ClientEnd.DisposeAsync();
        await UpstreamEnd.DisposeAsync();
    }
}
