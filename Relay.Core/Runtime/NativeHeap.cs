using System.Runtime.InteropServices;
using Relay.Core.Observability;

namespace Relay.Core.Runtime;

/// <summary>
/// glibc's malloc_trim(3): returns the free memory of every malloc arena to the kernel. OpenSSL
/// allocates each handshake's state with malloc; when the handshakes end the memory is free but
/// glibc keeps it in its arenas (333 of the 467 MiB a 10,000-hello flood left behind went when
/// malloc_trim ran). HAProxy calls malloc_trim when it flushes its pools for the same reason.
/// </summary>
internal static partial class NativeHeap
{
    private static bool _unavailable;

    /// <summary>False once a call found no malloc_trim (a libc other than glibc, e.g. musl).</summary>
    public static bool Available => !Volatile.Read(ref _unavailable);

    /// <summary>Trims; false where libc has no malloc_trim (musl), after which it is not tried again.</summary>
    public static bool Trim()
    {
        if (Volatile.Read(ref _unavailable))
        {
            return false;
        }
        try
        {
            return MallocTrim(0) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref _unavailable, true);
            return false;
        }
    }

    /// <summary>Resident set size now, from /proc/self/statm; 0 when unreadable.</summary>
    public static long ResidentBytes() => ProcStatm.Read().Resident;

    // "libc.so.6", not "libc": on Debian libc.so is a linker script, which dlopen cannot load.
    [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
