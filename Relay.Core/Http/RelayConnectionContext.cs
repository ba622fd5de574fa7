using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Relay.Core.Transport;

namespace Relay.Core.Http;

/// <summary>
/// One accepted connection as Kestrel sees it: the client-side stream Relay's stages produced
/// (the socket's own, or the plaintext inside terminated mesh TLS) as a duplex pipe, with
/// <see cref="RelayConnectionFeature"/> among its features. <see cref="Closed"/> completes when
/// Kestrel is done with it, so the connection's own stage can record and close it.
/// </summary>
internal sealed class RelayConnectionContext : ConnectionContext
{
    private readonly Socket _socket;
    private readonly TaskCompletionSource<bool> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closedToken = new();

    /// <summary>How long an aborted connection waits for Kestrel to finish with it before its stage records it anyway.</summary>
    private static readonly TimeSpan AbortSettle = TimeSpan.FromSeconds(30);

    private bool _aborted;
    private bool _stalled;
    private bool _flooded;

    public RelayConnectionContext(long id, Socket socket, Stream clientStream, ActivityClock activity, RelayConnectionFeature relay)
    {
        _socket = socket;
        ConnectionId = id.ToString(CultureInfo.InvariantCulture);
        WriteGuard = new WriteStallGuard(clientStream, () =>
        {
            Volatile.Write(ref _stalled, true);
            AbortByRelay();
        });
        Stream = new CountingStream(WriteGuard, activity);
        Features.Set(new StreamResetBudget(() =>
        {
            Volatile.Write(ref _flooded, true);
            AbortByRelay();
        }));
        // leaveOpen: the connection's stage owns the stream and the socket, and closes them (FIN or RST).
        Transport = new DuplexPipe(
            PipeReader.Create(Stream, new StreamPipeReaderOptions(leaveOpen: true)),
            PipeWriter.Create(Stream, new StreamPipeWriterOptions(leaveOpen: true)));
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        Features.Set(relay);
        Features.Set<Microsoft.AspNetCore.Connections.Features.IConnectionMetricsTagsFeature>(EndReason);
        ConnectionClosed = _closedToken.Token;
    }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport { get; set; }

    /// <summary>
    /// Why an aborted connection failed: Relay's own verdicts (the client stopped reading, or spent
    /// its stream-reset budget), else
    /// Kestrel's connection-level reason (a flood, a timeout), else the last request's failure
    /// (what the forwarder saw: upstream_reset after response headers...).
    /// </summary>
    public Vocabulary.CloseReason? Failure(Vocabulary.CloseReason? lastRequestFailure) =>
        Volatile.Read(ref _stalled) ? Vocabulary.CloseReason.ClientTooSlow
        : Volatile.Read(ref _flooded) ? Vocabulary.CloseReason.Http2Flood
        : EndReason.Reason ?? lastRequestFailure;

    /// <summary>Ends the connection when the client stops reading (<see cref="WriteStallGuard"/>).</summary>
    public WriteStallGuard WriteGuard { get; }

    /// <summary>Why Kestrel ended the connection, when it was Kestrel's decision (408, GOAWAY...).</summary>
    public KestrelEndReason EndReason { get; } = new();

    /// <summary>The client-side stream with its byte counts (the connection record's up/down).</summary>
    public CountingStream Stream { get; }

    /// <summary>True when Kestrel (or Relay) aborted the connection rather than closing it cleanly.</summary>
    public Task<bool> Closed => _closed.Task;

    public override void Abort(ConnectionAbortedException abortReason)
    {
        // An abort is never a clean end: the client must see a reset, not a truncated body that looks whole.
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
        _socket.Close();
        Volatile.Write(ref _aborted, true);
        _closedToken.Cancel();
        // Closed completes when Kestrel disposes the connection (its end reason, EndReason, is
        // written just before), normally within milliseconds of its own abort; the bound keeps
        // the connection's stage from waiting on a Kestrel that never gets there.
        _ = Task.Delay(AbortSettle).ContinueWith(_ => _closed.TrySetResult(true), TaskScheduler.Default);
    }

    /// <summary>
    /// Relay's own guards ending the connection: the reason is Relay's, so nothing waits for
    /// Kestrel (whose writer may be stuck behind the very stall that triggered this).
    /// </summary>
    private void AbortByRelay()
    {
        Abort(new ConnectionAbortedException("relay: connection ended by a Relay limit"));
        _closed.TrySetResult(true);
    }

    public override async ValueTask DisposeAsync()
    {
        await Transport.Input.CompleteAsync().ConfigureAwait(false);
        await Transport.Output.CompleteAsync().ConfigureAwait(false);
        _closed.TrySetResult(Volatile.Read(ref _aborted));
        // Not disposed: an abort from the registry may still arrive, and a CTS without a timer holds nothing.
        _closedToken.Cancel();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
