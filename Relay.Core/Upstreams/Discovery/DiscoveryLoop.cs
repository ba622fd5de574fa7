using Microsoft.Extensions.Logging;
using Relay.Core.Config;

namespace Relay.Core.Upstreams.Discovery;

/// <summary>
/// One service's discovery: query, apply <see cref="LastGoodPolicy"/>, hand a changed set to the
/// sink, wait the clamped TTL, repeat until stopped. Lives while the service's source and the
/// discovery settings stay the same across reloads (<see cref="DnsDiscovery"/> keys it by both).
/// </summary>
internal sealed class DiscoveryLoop : IAsyncDisposable
{
    private readonly IDnsResolver _resolver;
    private readonly IDiscoveredEndpointsSink _sink;
    private readonly DiscoverySnapshot _settings;
    private readonly DiscoveryMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly FailureLogLimiter _warnings;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DiscoveryStatus _status;
    private Task _running = Task.CompletedTask;

    public DiscoveryLoop(string service, DnsSourceSnapshot source, DiscoverySnapshot settings, IDnsResolver resolver,
        IDiscoveredEndpointsSink sink, DiscoveryMetrics? metrics, ILogger logger, TimeProvider time)
    {
        (_resolver, _sink, _settings, _metrics, _logger, _time) = (resolver, sink, settings, metrics, logger, time);
        _warnings = new FailureLogLimiter(time);
        _status = new DiscoveryStatus(service, source);
    }

    public DiscoveryStatus Status => Volatile.Read(ref _status);

    /// <summary>The resolver this loop asks (one per discovery settings; a settings change restarts the loop).</summary>
    public IDnsResolver Resolver => _resolver;

    /// <summary>Completes when the first query has ended, whatever its outcome.</summary>
    public Task FirstAnswer => _firstAnswer.Task;

    public void Start() => _running = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>One query and its consequences; the loop calls it, and tests drive it step by step.</summary>
    public async Task<TimeSpan> StepAsync(CancellationToken cancellationToken)
    {
        var status = Status;
        var answer = await _resolver.ResolveAsync(status.Source, cancellationToken).ConfigureAwait(false);
        var (next, change, delay) = LastGoodPolicy.Apply(status, answer, _time.GetUtcNow(), _settings.MinTtl, _settings.MaxTtl);
        Volatile.Write(ref _status, next);
        _metrics?.Count(next.Service, change, answer.Outcome);
        if (change == DiscoveryChange.Changed)
        {
            _sink.Apply(next.Service, next.Source, next.LastGood);
            DiscoveryLog.Changed(_logger, next.Service, next.Source.ToString(), next.LastGood.Length, string.Join(", ", next.LastGood), delay.TotalSeconds);
        }
        Report(status, next, change);
        _firstAnswer.TrySetResult();
        return delay;
    }

    /// <summary>Installs the last good set again (after a reload swapped in clusters built before the latest answer).</summary>
    public void Reapply()
    {
        var status = Status;
        if (status.HasLastGood)
        {
            _sink.Apply(status.Service, status.Source, status.LastGood);
        }
    }

    private void Report(DiscoveryStatus before, DiscoveryStatus after, DiscoveryChange change)
    {
        if (change == DiscoveryChange.KeptLastGood)
        {
            if (_warnings.TryWarn(out var suppressed))
            {
                DiscoveryLog.KeptLastGood(_logger, after.Service, after.Source.ToString(), after.LastOutcome == DnsOutcome.Empty ? "answered with no records" : "failed",
                    after.LastError, after.HasLastGood ? after.LastGood.Length : 0, suppressed);
            }
            return;
        }
        if (before.ConsecutiveFailures > 0)
        {
            DiscoveryLog.Recovered(_logger, after.Service, after.Source.ToString(), before.ConsecutiveFailures);
        }
        _warnings.Reset();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                delay = await StepAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        _firstAnswer.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        _stop.Dispose();
    }
}
