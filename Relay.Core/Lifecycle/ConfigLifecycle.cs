using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Relay.Core.Config;
using Relay.Core.Connections;
using Relay.Core.Runtime;

namespace Relay.Core.Lifecycle;

/// <summary>
/// The reload path (DESIGN.md §3): trigger (file watcher, SIGHUP) → load → validate → compile →
/// prepare (load and validate new TLS material) → apply in order (open listeners and the admin
/// address, narrow capture, swap, widen capture, close listeners, retire old TLS material) → report
/// (log, metric, sd_notify, state file, history, GET /config). One reload at a time; anything that
/// fails leaves the last good snapshot, its listeners and its rules in force.
/// </summary>
internal sealed partial class ConfigLifecycle : IDisposable
{
    private readonly RelayRuntime _runtime;
    private readonly ReloadOptions _options;
    private readonly CaptureFollower _capture;
    private readonly IReloadNotifier _notifier;
    private readonly ILogger _logger;
    private readonly ConfigHistory _history;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ConfigFileWatcher? _watcher;
    private volatile bool _stopped;

    public ConfigLifecycle(string configPath, RelayRuntime runtime, ReloadOptions options, CaptureFollower capture, IReloadNotifier notifier, ILogger logger)
    {
        ConfigPath = Path.GetFullPath(configPath);
        _runtime = runtime;
        _options = options;
        _capture = capture;
        _notifier = notifier;
        _logger = logger;
        _history = new ConfigHistory(options.StateDirectory, options.HistoryLimit);
        _runtime.OverridesChanged += () => _ = PersistOverridesAsync();
    }

    /// <summary>A canary guard cut a backend: the state file shows it to <c>relay config status</c> (after any reload in progress).</summary>
    private async Task PersistOverridesAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_stopped)
            {
                Persist(recordHistory: false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public string ConfigPath { get; }

    public ReloadReport? LastReload { get; private set; }

    /// <summary>Raised after every reload attempt, whatever its outcome (tests wait on it).</summary>
    public event Action<ReloadReport>? Reloaded;

    /// <summary>Records the initial snapshot (history, state file) and, when asked, starts watching the file.</summary>
    public void Start(bool watch = true, TimeSpan? debounce = null, TimeSpan? poll = null)
    {
        Persist(recordHistory: true);
        if (watch)
        {
            _watcher = new ConfigFileWatcher(ConfigPath, ConfigFileWatcher.HashFile(ConfigPath), trigger => _ = ReloadAsync(trigger), debounce, poll);
        }
    }

    /// <summary>One reload of whatever the file holds now. Never throws for bad input: the report says what happened.</summary>
    public async Task<ReloadReport> ReloadAsync(string trigger)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_stopped)
            {
                return new ReloadReport(trigger, DateTimeOffset.UtcNow, ReloadOutcome.Failed, null, _runtime.Current.Revision, ["stopping: reload skipped"], 0);
            }
            _notifier.Reloading();
            var elapsed = Stopwatch.StartNew();
            ReloadReport report;
            try
            {
                report = await ReloadCoreAsync(trigger, elapsed).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A bug, not bad input. Still finish the protocol: systemd must get READY=1 back
                // and the operator a logged, counted failure instead of a daemon stuck "reloading".
                report = Outcome(trigger, ReloadOutcome.Failed, null, [$"internal error: {ex}"], elapsed);
            }
            Report(report);
            return report;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ReloadReport> ReloadCoreAsync(string trigger, Stopwatch elapsed)
    {
        // Whatever this load reads is what the watcher must not report again.
        if (ConfigFileWatcher.HashFile(ConfigPath) is { } hash)
        {
            _watcher?.Acknowledge(hash);
        }
        var running = _runtime.Current;
        var loaded = ConfigLoader.LoadFile(ConfigPath);
        if (loaded.Snapshot is not { } next || !loaded.IsValid)
        {
            return Outcome(trigger, ReloadOutcome.Rejected, null, [.. loaded.Errors.Select(e => e.ToString())], elapsed);
        }
        if (next.Revision == running.Revision)
        {
            // SIGHUP also asks for the TLS files to be read again (docs/tls.md, Rotation).
            _runtime.Tls?.Store.Reload();
            return Outcome(trigger, ReloadOutcome.Unchanged, next.Revision, [], elapsed);
        }
        var plan = _capture.Plan(running, next);
        if (!plan.IsValid)
        {
            return Outcome(trigger, ReloadOutcome.Rejected, next.Revision, [.. plan.Errors.Select(e => $"{ConfigPath}: {e}")], elapsed);
        }
        // TLS material is loaded and validated before anything changes: unusable files reject the whole reload.
        var (prepared, tlsErrors) = _runtime.Prepare(next);
        if (prepared is null)
        {
            return Outcome(trigger, ReloadOutcome.Rejected, next.Revision, tlsErrors, elapsed);
        }
        var errors = await ApplyAsync(_runtime.ActiveConfig, prepared, plan).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            _runtime.Discard(prepared);
        }
        return Outcome(trigger, errors.Count == 0 ? ReloadOutcome.Applied : ReloadOutcome.Failed, next.Revision, errors, elapsed);
    }

    /// <summary>Every step is undone if a later one fails; the returned errors are empty on success.</summary>
    private async Task<IReadOnlyList<string>> ApplyAsync(ActiveConfig running, ActiveConfig prepared, CapturePlan plan)
    {
        var next = prepared.Snapshot;
        try
        {
            await _runtime.OpenListenersAsync(next).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return [$"cannot bind a listener of revision {next.Revision}: {ex.Message}"];
        }
        var previousRules = _capture.Installed;
        if (plan.BeforeSwap is { } narrowed && _capture.Apply(narrowed) is { Succeeded: false } narrowFailed)
        {
            return await UndoAsync(running.Snapshot, previousRules, [.. narrowFailed.Errors]).ConfigureAwait(false);
        }
        _runtime.Swap(prepared);
        if (plan.AfterSwap is { } widened && _capture.Apply(widened) is { Succeeded: false } widenFailed)
        {
            _runtime.Swap(running);
            return await UndoAsync(running.Snapshot, previousRules, [.. widenFailed.Errors]).ConfigureAwait(false);
        }
        await _runtime.CloseListenersNotInAsync(next).ConfigureAwait(false);
        _runtime.Retire(running);
        return [];
    }

    private async Task<IReadOnlyList<string>> UndoAsync(ConfigSnapshot running, Iptables.CaptureRuleset? previousRules, List<string> errors)
    {
        var restored = _capture.Restore(previousRules);
        errors.AddRange(restored.Errors.Select(e => $"restoring the previous capture rules also failed: {e}"));
        await _runtime.CloseListenersNotInAsync(running).ConfigureAwait(false);
        return errors;
    }

    private ReloadReport Outcome(string trigger, ReloadOutcome outcome, string? revision, IReadOnlyList<string> errors, Stopwatch elapsed) =>
        new(trigger, DateTimeOffset.UtcNow, outcome, revision, _runtime.Current.Revision, errors, elapsed.Elapsed.TotalMilliseconds);

    private void Report(ReloadReport report)
    {
        LastReload = report;
        _runtime.RecordReload(report);
        _runtime.Metrics.ConfigReload(report.Succeeded, report.RunningRevision);
        // State file before the log line: whoever reacts to the line (an operator, a test) finds it current.
        Persist(recordHistory: report.Outcome == ReloadOutcome.Applied);
        Log(report);
        _notifier.Ready(Status(report));
        Reloaded?.Invoke(report);
    }

    private void Log(ReloadReport report)
    {
        foreach (var error in report.Errors)
        {
            LogConfigError(_logger, error);
        }
        switch (report.Outcome)
        {
            case ReloadOutcome.Applied:
                LogApplied(_logger, report.Trigger, report.RunningRevision, report.DurationMs);
                break;
            case ReloadOutcome.Unchanged:
                LogUnchanged(_logger, report.Trigger, report.RunningRevision);
                break;
            default:
                LogRejected(_logger, report.Trigger, report.Outcome, report.Revision ?? "-", report.Errors.Count, report.RunningRevision);
                break;
        }
    }

    private static string Status(ReloadReport report) => report.Succeeded
        ? $"running revision {report.RunningRevision}"
        : $"running revision {report.RunningRevision}; last reload {report.Outcome.ToString().ToLowerInvariant()}: {report.Errors.FirstOrDefault()}"
          + (report.Errors.Count > 1 ? $" (+{report.Errors.Count - 1} more)" : "");

    /// <summary>State and history are for operators; failing to write them is logged, never fatal.</summary>
    private void Persist(bool recordHistory)
    {
        var view = _runtime.ConfigView;
        try
        {
            if (recordHistory)
            {
                _history.Record(_runtime.Current, view.AppliedAt);
            }
            new LifecycleState(view.Revision, view.AppliedAt, view.SourcePath, Environment.ProcessId, LastReload, view.Overrides).Write(_options.StateDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogStateUnwritable(_logger, _options.StateDirectory, ex.Message);
        }
    }

    /// <summary>Stops watching; a reload already waiting for its turn then does nothing (the daemon is draining).</summary>
    public void Dispose()
    {
        _stopped = true;
        _watcher?.Dispose();
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Error, Message = "config error: {Error}")]
    private static partial void LogConfigError(ILogger logger, string error);

    [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "reload ({Trigger}) {Outcome}: revision {Revision}, {Count} errors; still running revision {Running}")]
    private static partial void LogRejected(ILogger logger, string trigger, ReloadOutcome outcome, string revision, int count, string running);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "reload ({Trigger}) applied revision {Revision} in {DurationMs:F1} ms")]
    private static partial void LogApplied(ILogger logger, string trigger, string revision, double durationMs);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "reload ({Trigger}) unchanged: revision {Revision} already running")]
    private static partial void LogUnchanged(ILogger logger, string trigger, string revision);

    [LoggerMessage(EventId = 204, Level = LogLevel.Warning, Message = "cannot write reload state under {StateDirectory}: {Error}")]
    private static partial void LogStateUnwritable(ILogger logger, string stateDirectory, string error);
}
