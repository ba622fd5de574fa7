using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>The few libc calls the Root tier needs; none of them has a BCL equivalent.</summary>
internal static class NativeMethods
{
    /// <summary>CLONE_NEWNET from linux/sched.h: setns(2) must only join a network namespace.</summary>
    public const int CloneNewNet = 0x40000000;

    public const int SigTerm = 15;
    public const int SigKill = 9;
    public const int SigHup = 1;

    [DllImport("libc", SetLastError = true)]
    public static extern int setns(SafeFileHandle fd, int nstype);

    [DllImport("libc")]
    public static extern uint geteuid();

    [DllImport("libc", SetLastError = true)]
    public static extern int kill(int pid, int sig);
}
