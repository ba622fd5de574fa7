using System.IO.Pipelines;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Pipelines.Sockets.Unofficial;
using Relay.Core.Transport;

namespace Relay.Bench.Micro.Packages;

/// <summary>
/// Issue 16's A/B of Pipelines.Sockets.Unofficial against today's copier. Every path is
/// app socket → copier → server socket over loopback, the copier being either DuplexCopier over
/// ConnectionEnd (what TcpProxy runs, 64 KiB buffers: limits.buffer_size's default) or
/// <see cref="PipeSocketCopier"/> over two SocketConnections, with the package's defaults and
/// tuned (<see cref="Tuned"/>). The app
/// and server ends are plain sockets in both, so only the copier differs. Three shapes, each its
/// own category with today's copier as its baseline: one 1 KiB request echoed back on 1
/// connection (the load runner's rps-c1), the same on 64 connections at once (rps-c64; time is
/// per round trip), and 16 MiB in 64 KiB writes one way (bulk; MiB/s = 16 / mean in s).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CopierPackageBenchmarks
{
    // The load runner's rps-c64 workload: 64 keep-alive connections, 1 KiB responses.
    private const int Connections = 64;
    private const int MessageBytes = 1024;
    // CopierBenchmarks' bulk shape: 16 MiB per op in 64 KiB writes.
    private const int BulkBytes = 16 << 20;
    private const int BulkChunk = 64 * 1024;
    // limits.buffer_size's default (ConfigDefaults.BufferSize), what TcpProxy gives ConnectionEnd.
    private const int CopierBufferBytes = 65_536;

    private LoopbackSockets _sockets = null!;
    private CancellationTokenSource _stop = null!;
    // The package's defaults are PipeOptions.Default: thread-pool schedulers, 4 KiB segments,
    // writers paused at 64 KiB. The tuned variant is the configuration closest to Relay's own:
    // continuations inline (as the daemon's inline socket completions) and 64 KiB segments.
    private static readonly PipeOptions Tuned = new(
        readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 4 * CopierBufferBytes, resumeWriterThreshold: 2 * CopierBufferBytes,
        minimumSegmentSize: CopierBufferBytes, useSynchronizationContext: false);

    private EchoPath[] _copier = null!;
    private EchoPath[] _pipes = null!;
    private EchoPath[] _tuned = null!;
    private BulkPath _copierBulk = null!;
    private BulkPath _pipesBulk = null!;
    private BulkPath _tunedBulk = null!;
    private readonly List<IDisposable> _owned = [];
    private readonly List<Task> _copies = [];

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [BenchmarkCategory("rr-c1"), Benchmark(Baseline = true, Description = "DuplexCopier, 1 × 1 KiB round trip")]
    public Task CopierC1() => _copier[0].RoundTripAsync();

    [BenchmarkCategory("rr-c1"), Benchmark(Description = "SocketConnection, 1 × 1 KiB round trip")]
    public Task PipesC1() => _pipes[0].RoundTripAsync();

    [BenchmarkCategory("rr-c1"), Benchmark(Description = "SocketConnection tuned, 1 × 1 KiB round trip")]
    public Task TunedC1() => _tuned[0].RoundTripAsync();

    [BenchmarkCategory("rr-c64"), Benchmark(Baseline = true, OperationsPerInvoke = Connections, Description = "DuplexCopier, 64 × 1 KiB round trip")]
    public Task CopierC64() => RoundTripAllAsync(_copier);

    [BenchmarkCategory("rr-c64"), Benchmark(OperationsPerInvoke = Connections, Description = "SocketConnection, 64 × 1 KiB round trip")]
    public Task PipesC64() => RoundTripAllAsync(_pipes);

    [BenchmarkCategory("rr-c64"), Benchmark(OperationsPerInvoke = Connections, Description = "SocketConnection tuned, 64 × 1 KiB round trip")]
    public Task TunedC64() => RoundTripAllAsync(_tuned);

    [BenchmarkCategory("bulk"), Benchmark(Baseline = true, Description = "DuplexCopier, 16 MiB one way")]
    public Task CopierBulk() => _copierBulk.MoveAsync();

    [BenchmarkCategory("bulk"), Benchmark(Description = "SocketConnection, 16 MiB one way")]
    public Task PipesBulk() => _pipesBulk.MoveAsync();

    [BenchmarkCategory("bulk"), Benchmark(Description = "SocketConnection tuned, 16 MiB one way")]
    public Task TunedBulk() => _tunedBulk.MoveAsync();

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
        try
        {
            Task.WaitAll([.. _copies], TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // The SocketConnection copies end faulted when their sockets close under them; nothing to report.
        }
        _sockets.Dispose();
        _stop.Dispose();
    }

    private async Task SetupAsync()
    {
        _sockets = new LoopbackSockets();
        _stop = new CancellationTokenSource();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _copier = new EchoPath[Connections];
        _pipes = new EchoPath[Connections];
        _tuned = new EchoPath[Connections];
        for (var i = 0; i < Connections; i++)
        {
            var (app, server) = await ConnectThroughAsync(Variant.Copier, cts.Token);
            _copier[i] = EchoPath.Start(app, server, _stop.Token);
            (app, server) = await ConnectThroughAsync(Variant.Pipes, cts.Token);
            _pipes[i] = EchoPath.Start(app, server, _stop.Token);
            (app, server) = await ConnectThroughAsync(Variant.Tuned, cts.Token);
            _tuned[i] = EchoPath.Start(app, server, _stop.Token);
        }
        var bulk = await ConnectThroughAsync(Variant.Copier, cts.Token);
        _copierBulk = new BulkPath(bulk.App, bulk.Server);
        bulk = await ConnectThroughAsync(Variant.Pipes, cts.Token);
        _pipesBulk = new BulkPath(bulk.App, bulk.Server);
        bulk = await ConnectThroughAsync(Variant.Tuned, cts.Token);
        _tunedBulk = new BulkPath(bulk.App, bulk.Server);
    }

    /// <summary>app ↔ (front, back) ↔ server, with the chosen copier between front and back.</summary>
    private async Task<(Socket App, Socket Server)> ConnectThroughAsync(Variant variant, CancellationToken cancellationToken)
    {
        var (app, front) = await _sockets.ConnectAsync(cancellationToken);
        var (back, server) = await _sockets.ConnectAsync(cancellationToken);
        _owned.Add(app);
        _owned.Add(server);
        _owned.Add(front);
        _owned.Add(back);
        if (variant == Variant.Copier)
        {
            var frontEnd = ConnectionEnd.ForSocket(front, CopierBufferBytes);
            var backEnd = ConnectionEnd.ForSocket(back, CopierBufferBytes);
            _copies.Add(DuplexCopier.CopyAsync(frontEnd, backEnd, new ActivityClock()));
        }
        else
        {
            var options = variant == Variant.Tuned ? Tuned : null;
            var frontPipe = SocketConnection.Create(front, options);
            var backPipe = SocketConnection.Create(back, options);
            _owned.Add(frontPipe);
            _owned.Add(backPipe);
            _copies.Add(PipeSocketCopier.CopyAsync(frontPipe, backPipe));
        }
        return (app, server);
    }

    private enum Variant
    {
        Copier,
        Pipes,
        Tuned,
    }

    private static Task RoundTripAllAsync(EchoPath[] paths)
    {
        var all = new Task[paths.Length];
        for (var i = 0; i < paths.Length; i++)
        {
            all[i] = paths[i].RoundTripAsync();
        }
        return Task.WhenAll(all);
    }

    /// <summary>An app socket whose every message the server socket behind the copier echoes back.</summary>
    private sealed class EchoPath
    {
        private readonly Socket _app;
        private readonly byte[] _message = new byte[MessageBytes];
        private readonly byte[] _reply = new byte[MessageBytes];

        private EchoPath(Socket app) => _app = app;

        public static EchoPath Start(Socket app, Socket server, CancellationToken stop)
        {
            _ = EchoAsync(server, stop);
            return new EchoPath(app);
        }

        public async Task RoundTripAsync()
        {
            await _app.SendAsync(_message, SocketFlags.None);
            for (var received = 0; received < MessageBytes;)
            {
                var n = await _app.ReceiveAsync(_reply.AsMemory(received), SocketFlags.None);
                if (n == 0)
                {
                    throw new EndOfStreamException("the copier closed an echo path");
                }
                received += n;
            }
        }

        private static async Task EchoAsync(Socket server, CancellationToken stop)
        {
            var buffer = new byte[MessageBytes];
            try
            {
                while (true)
                {
                    var n = await server.ReceiveAsync(buffer, SocketFlags.None, stop);
                    if (n == 0)
                    {
                        return;
                    }
                    await server.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, stop);
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Cleanup closed the connection: the echo ends with it.
            }
        }
    }

    /// <summary>16 MiB from the app socket, through the copier, read off the server socket.</summary>
    private sealed class BulkPath(Socket app, Socket server)
    {
        private readonly byte[] _chunk = new byte[BulkChunk];
        private readonly byte[] _sink = new byte[256 * 1024];

        public async Task MoveAsync()
        {
            var receive = ReceiveAsync();
            for (var sent = 0; sent < BulkBytes; sent += _chunk.Length)
            {
                await app.SendAsync(_chunk, SocketFlags.None);
            }
            await receive;
        }

        private async Task ReceiveAsync()
        {
            for (var received = 0; received < BulkBytes;)
            {
                received += await server.ReceiveAsync(_sink, SocketFlags.None);
            }
        }
    }
}
