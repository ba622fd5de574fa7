using System.Net.Sockets;
using System.Text;
using Relay.Core.Lifecycle;

namespace Relay.Daemon.Hosting;

/// <summary>
/// sd_notify(3) without libsystemd: one datagram per state change to $NOTIFY_SOCKET.
/// A no-op when not started by systemd (Type=notify sets the variable).
/// </summary>
internal sealed class SystemdNotifier : IReloadNotifier
{
    private readonly string? _socketPath = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");

    public bool Enabled => !string.IsNullOrEmpty(_socketPath);

    public void Ready(string status) => Send($"READY=1\nSTATUS={status}");

    public void Reloading() => Send($"RELOADING=1\nMONOTONIC_USEC={MonotonicMicroseconds()}");

    public void Status(string status) => Send($"STATUS={status}");

    public void Stopping(string status) => Send($"STOPPING=1\nSTATUS={status}");

    private void Send(string message)
    {
        if (!Enabled)
        {
            return;
        }
        // A leading '@' names a socket in the abstract namespace (first byte NUL).
        var path = _socketPath![0] == '@' ? "\0" + _socketPath[1..] : _socketPath;
        try
        {
            // Inside the try: socket(2) itself fails with EMFILE when the process is out of descriptors.
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            socket.Send(Encoding.UTF8.GetBytes(message));
        }
        catch (SocketException)
        {
            // systemd went away (e.g. during shutdown), or no descriptor was free: nothing useful to do about it.
        }
    }

    /// <summary>
    /// CLOCK_MONOTONIC in µs, which systemd compares against its own clock for RELOADING=1. On Linux
    /// Stopwatch reads clock_gettime(CLOCK_MONOTONIC) with a 1 GHz frequency (checked against the
    /// syscall by SystemdNotifierTests); dividing before multiplying keeps the product from overflowing.
    /// </summary>
    internal static long MonotonicMicroseconds()
    {
        var ticks = System.Diagnostics.Stopwatch.GetTimestamp();
        var frequency = System.Diagnostics.Stopwatch.Frequency;
        return ticks / frequency * 1_000_000 + ticks % frequency * 1_000_000 / frequency;
    }
}
