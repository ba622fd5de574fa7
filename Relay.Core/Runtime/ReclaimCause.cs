namespace Relay.Core.Runtime;

/// <summary>Why <see cref="ReclaimTrigger"/> asked for a reclaim, as its log line names it.</summary>
internal enum ReclaimCause
{
    None,

    /// <summary>A burst of connections ended (a flood of handshakes, a load test's connections closing).</summary>
    BurstEnded,

    /// <summary>
    /// Resident memory grew well past where the last reclaim (or the start) left it, and the process
    /// has gone quiet: the GC, which runs only when something allocates, would keep it.
    /// </summary>
    GrewThenQuiet,
}
