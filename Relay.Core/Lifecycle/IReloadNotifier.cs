namespace Relay.Core.Lifecycle;

/// <summary>The service manager's view of a reload (systemd's sd_notify in the daemon; a no-op or a recorder in tests).</summary>
internal interface IReloadNotifier
{
    /// <summary>RELOADING=1 with the current CLOCK_MONOTONIC time.</summary>
    void Reloading();

    /// <summary>READY=1 with a one-line status (running revision or the last error).</summary>
    void Ready(string status);
}
