using System.Threading.RateLimiting;
using Relay.Core.Config;

namespace Relay.Core.Upstreams;

/// <summary>
/// One service's admission state (Envoy's circuit breakers): upstream connections (L4), requests
/// in flight with a bounded queue of pending ones (L7, a <see cref="ConcurrencyLimiter"/>), and
/// failover attempts in progress (retries). Past a limit Relay fails fast with a counted reason
/// and never queues without bound. Kept across reloads while the limits stay the same; a reload
/// that changes them hands the open connections, retries and requests in flight on to the new
/// limits (the constructor's <c>previous</c>), so a reload is never a way past a limit.
/// </summary>
internal sealed class CircuitBreakers
{
    private readonly ConcurrencyLimiter _requests;

    // Shared with the breakers this one replaced: connections and retries end on the object they began on.
    private readonly Counts _counts;

    // Requests admitted under the replaced limits still hold their old limiter's permits; they
    // count against the new max_requests until they end (then the link is dropped).
    private CircuitBreakers? _previous;

    public CircuitBreakers(CircuitBreakersSnapshot limits, CircuitBreakers? previous = null)
    {
        Limits = limits;
        _counts = previous?._counts ?? new Counts();
        _previous = previous;
        _requests = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = limits.MaxRequests,
            QueueLimit = limits.MaxPendingRequests,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public CircuitBreakersSnapshot Limits { get; }

    public int Connections => Volatile.Read(ref _counts.Connections);

    public int ActiveRetries => Volatile.Read(ref _counts.Retries);

    /// <summary>Requests in flight under these limits and under the ones a reload replaced.</summary>
    public long RequestsInFlight => Limits.MaxRequests - _requests.GetStatistics()!.CurrentAvailablePermits + InFlightBefore();

    /// <summary>Requests in flight under the breaker and waiting for a slot (the limiter's statistics).</summary>
    public (long Available, long Queued) RequestSlots => _requests.GetStatistics() is { } s ? (s.CurrentAvailablePermits, s.CurrentQueuedCount) : (0, 0);

    /// <summary>Takes a connection slot; false (nothing taken) at max_connections.</summary>
    public bool TryOpenConnection() => TryTake(ref _counts.Connections, Limits.MaxConnections);

    public void CloseConnection() => Interlocked.Decrement(ref _counts.Connections);

    /// <summary>Takes a retry slot; false at max_retries, and the caller answers with the failure it has.</summary>
    public bool TryRetry() => TryTake(ref _counts.Retries, Limits.MaxRetries);

    public void EndRetry() => Interlocked.Decrement(ref _counts.Retries);

    /// <summary>
    /// A request slot: at once while fewer than max_requests are in flight, else after waiting in a
    /// queue of max_pending_requests for at most <paramref name="maxWait"/>; a lease that is not
    /// acquired means overflow (queue full, or the wait ran out).
    /// </summary>
    public async ValueTask<RateLimitLease> EnterRequestAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var lease = await AcquireAsync(maxWait, cancellationToken).ConfigureAwait(false);
        if (lease.IsAcquired && InFlightBefore() > 0 && RequestsInFlight > Limits.MaxRequests)
        {
            // Over the new limit only because of requests admitted under the old one: overflow, not a wait.
            lease.Dispose();
            return NotAcquired.Instance;
        }
        return lease;
    }

    private long InFlightBefore()
    {
        if (Volatile.Read(ref _previous) is not { } previous)
        {
            return 0;
        }
        var inFlight = previous.RequestsInFlight;
        if (inFlight == 0)
        {
            Volatile.Write(ref _previous, null);
        }
        return inFlight;
    }

    private async ValueTask<RateLimitLease> AcquireAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var immediate = _requests.AttemptAcquire();
        if (immediate.IsAcquired || Limits.MaxPendingRequests == 0)
        {
            return immediate;
        }
        immediate.Dispose();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(maxWait);
        try
        {
            return await _requests.AcquireAsync(1, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return NotAcquired.Instance;
        }
    }

    private static bool TryTake(ref int counter, int limit)
    {
        if (Interlocked.Increment(ref counter) <= limit)
        {
            return true;
        }
        Interlocked.Decrement(ref counter);
        return false;
    }

    private sealed class Counts
    {
        public int Connections;
        public int Retries;
    }

    private sealed class NotAcquired : RateLimitLease
    {
        public static readonly NotAcquired Instance = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
