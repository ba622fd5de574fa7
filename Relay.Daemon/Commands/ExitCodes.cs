namespace Relay.Daemon.Commands;

/// <summary>Process exit codes, stable for scripts and systemd.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Failed at run time (e.g. a port could not be bound).</summary>
    public const int Failure = 1;

    /// <summary>The config or the command line is invalid; nothing was changed.</summary>
    public const int InvalidInput = 2;
}
