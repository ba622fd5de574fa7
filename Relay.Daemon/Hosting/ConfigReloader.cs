using Microsoft.Extensions.Logging;
using Relay.Core.Config;
using Relay.Core.Runtime;

namespace Relay.Daemon.Hosting;

/// <summary>
/// Load → validate → swap, keeping the last good snapshot when anything fails.
/// One reload at a time: triggers are serialised through the daemon's signal loop.
/// </summary>
internal sealed partial class ConfigReloader(string path, RelayRuntime runtime, SystemdNotifier notifier, ILogger logger)
{
    public async Task<bool> ReloadAsync(string trigger)
    {
        notifier.Reloading();
        var result = ConfigLoader.LoadFile(path);
        if (result.Snapshot is null || result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                LogConfigError(logger, error.ToString());
            }
            LogRejected(logger, trigger, result.Errors.Count, runtime.Current.Revision);
            notifier.Ready($"running revision {runtime.Current.Revision}; last reload rejected ({result.Errors.Count} errors)");
            return false;
        }
        if (result.Snapshot.Revision == runtime.Current.Revision)
        {
            notifier.Ready($"running revision {runtime.Current.Revision}");
            return true;
        }
        await runtime.ApplyAsync(result.Snapshot).ConfigureAwait(false);
        LogApplied(logger, trigger, result.Snapshot.Revision);
        notifier.Ready($"running revision {result.Snapshot.Revision}");
        return true;
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Error, Message = "config error: {Error}")]
    private static partial void LogConfigError(ILogger logger, string error);

    [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "reload ({Trigger}) rejected with {Count} errors; still running revision {Revision}")]
    private static partial void LogRejected(ILogger logger, string trigger, int count, string revision);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "reload ({Trigger}) applied revision {Revision}")]
    private static partial void LogApplied(ILogger logger, string trigger, string revision);
}
