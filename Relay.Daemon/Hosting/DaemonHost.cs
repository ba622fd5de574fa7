using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Relay.Core.Admin;
using Relay.Core.Config;
using Relay.Core.Mtls;
using Relay.Core.Observability;
using Relay.Core.Runtime;
using Relay.Daemon.Commands;
using Relay.Daemon.Logging;
using Serilog.Events;

namespace Relay.Daemon.Hosting;

/// <summary>
/// The daemon's life: load → bind → ready → (reload)* → drain → exit. SIGTERM/SIGINT drain;
/// SIGHUP reloads. Exit codes: 0 clean stop, 1 runtime failure, 2 invalid config.
/// </summary>
internal static partial class DaemonHost
{
    public static async Task<int> RunAsync(string configPath, bool json, LogEventLevel level, Relay.Core.Lifecycle.ReloadOptions reload, CancellationToken cancellationToken)
    {
        var snapshot = ConfigFiles.LoadOrReport(configPath, Console.Error);
        if (snapshot is null)
        {
            return ExitCodes.InvalidInput;
        }
        using var loggerFactory = LoggingSetup.Create(json, level);
        var logger = loggerFactory.CreateLogger("Relay.Daemon");
        var notifier = new SystemdNotifier();
        var signals = Channel.CreateUnbounded<PosixSignal>();
        using var term = Register(PosixSignal.SIGTERM, signals);
        using var interrupt = Register(PosixSignal.SIGINT, signals);
        using var hangup = Register(PosixSignal.SIGHUP, signals);

        using var metrics = new RelayMetrics(version: DaemonVersion.Value);
        using var exporter = new PrometheusExporter(metrics.Meter);
        metrics.ConfigLoaded(snapshot.Revision);
        if (DescriptorBudget.ProcessLimit() is { } nofile && DescriptorBudget.Check(snapshot.Limits, nofile, "RLIMIT_NOFILE") is { } fdWarning)
        {
            LogDescriptorBudget(logger, fdWarning);
        }
        var (created, tlsErrors) = RelayRuntime.Create(snapshot, metrics, loggerFactory);
        if (created is not { } relay)
        {
            foreach (var error in tlsErrors)
            {
                LogTlsError(logger, error);
            }
            return ExitCodes.InvalidInput;
        }
        await using var runtime = relay;
        try
        {
            await runtime.StartAsync().ConfigureAwait(false);
            // The runtime owns the admin server from here: a reload that moves admin.address moves it.
            await runtime.StartAdminAsync(AdminEndpointsFor(runtime, exporter, new ConfigDriftProbe(configPath)), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            LogBindFailed(logger, ex.Message);
            return ExitCodes.Failure;
        }
        if (DescriptorBudget.ProcessLimit() is { } fileLimit)
        {
            // Counted once everything is bound and the runtime has its threads and files open.
            runtime.Registry.DescriptorCap = DescriptorBudget.ConnectionCap(fileLimit, DescriptorBudget.OpenNow());
            LogDescriptorCap(logger, runtime.Registry.DescriptorCap, fileLimit);
        }
        // READY=1 only once the reloader (history, state file, file watcher) is in place: systemd
        // accepts `systemctl reload` from READY=1 on, and that reload must find a watcher that hashed
        // the file it started from, not race its construction.
        using var reloader = new ConfigReloader(configPath, runtime, notifier, logger, reload);
        LogReady(logger, snapshot.Revision, configPath);
        notifier.Ready($"running revision {snapshot.Revision}");

        await foreach (var signal in signals.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (signal == PosixSignal.SIGHUP)
            {
                await reloader.ReloadAsync("SIGHUP").ConfigureAwait(false);
                continue;
            }
            break;
        }
        reloader.Dispose(); // no file-triggered reload may reopen listeners during the drain
        LogDraining(logger, runtime.Current.Limits.DrainTimeout.TotalSeconds, runtime.Registry.Count);
        notifier.Stopping("draining");
        await runtime.DrainAsync(CancellationToken.None).ConfigureAwait(false);
        LogStopped(logger);
        return ExitCodes.Ok;
    }

    private static AdminEndpoints AdminEndpointsFor(RelayRuntime runtime, PrometheusExporter exporter, ConfigDriftProbe drift) => new(
        IsReady: () => runtime.IsReady,
        Metrics: exporter,
        // Drift is read per request (the file, not the last reload): an edit the watcher has not
        // seen yet, or one whose apply failed, shows at once.
        Config: () => runtime.ConfigView with { Drift = drift.Check(runtime.Current.Revision) },
        Clusters: () => runtime.ClustersView(),
        Certs: () => runtime.Tls is { } tls ? CertificatesView.Of(tls.Store.Current) : null,
        Json: AdminViewsJsonContext.Default,
        Stats: () => runtime.Stats.View(DateTimeOffset.UtcNow));

    private static PosixSignalRegistration Register(PosixSignal signal, Channel<PosixSignal> signals) =>
        PosixSignalRegistration.Create(signal, context =>
        {
            // Handled here: the default action would end the process before the drain.
            context.Cancel = true;
            signals.Writer.TryWrite(signal);
        });

    [LoggerMessage(EventId = 104, Level = LogLevel.Critical, Message = "TLS credentials invalid: {Error}")]
    private static partial void LogTlsError(ILogger logger, string error);

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "ready: revision {Revision} from {ConfigPath}")]
    private static partial void LogReady(ILogger logger, string revision, string configPath);

    [LoggerMessage(EventId = 101, Level = LogLevel.Critical, Message = "cannot bind listeners: {Error}")]
    private static partial void LogBindFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "draining: stopped accepting, waiting up to {Seconds}s for {Active} live connections")]
    private static partial void LogDraining(ILogger logger, double seconds, int active);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogDescriptorBudget(ILogger logger, string warning);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "file descriptors: at most {Cap} proxied connections fit under RLIMIT_NOFILE {Limit} (2 each, 64 spare)")]
    private static partial void LogDescriptorCap(ILogger logger, int cap, long limit);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "stopped")]
    private static partial void LogStopped(ILogger logger);
}
