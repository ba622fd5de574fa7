using Microsoft.Extensions.Logging;
using Relay.Core.Iptables;
using Relay.Core.Lifecycle;
using Relay.Core.Runtime;

namespace Relay.Daemon.Hosting;

/// <summary>
/// The daemon's reload entry point: SIGHUP (and so <c>systemctl reload</c>) calls
/// <see cref="ReloadAsync"/>; the file watcher inside <see cref="ConfigLifecycle"/> calls the same
/// path. Both are serialised there, so each trigger is exactly one reload.
/// </summary>
internal sealed class ConfigReloader : IDisposable
{
    private readonly ConfigLifecycle _lifecycle;

    public ConfigReloader(string path, RelayRuntime runtime, SystemdNotifier notifier, ILogger logger, ReloadOptions? options = null)
    {
        var settings = options ?? new ReloadOptions();
        var capture = settings.FollowCaptureRules
            ? CaptureFollower.Following(runtime.Current, new CaptureInstaller(IptablesRunner.Host).Apply)
            : CaptureFollower.Disabled();
        _lifecycle = new ConfigLifecycle(path, runtime, settings, capture, notifier, logger);
        _lifecycle.Start();
    }

    public Task<ReloadReport> ReloadAsync(string trigger) => _lifecycle.ReloadAsync(trigger);

    public void Dispose() => _lifecycle.Dispose();
}
