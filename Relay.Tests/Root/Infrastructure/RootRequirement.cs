namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// Root-tier tests need CAP_NET_ADMIN (namespaces, veth, iptables) and setpriv. They must fail, never
/// skip, when not root: a skipped Root tier in CI would silently hide every capture regression.
/// </summary>
internal static class RootRequirement
{
    public static void Assert()
    {
        if (NativeMethods.geteuid() != 0)
        {
            Xunit.Assert.Fail(
                "ROOT TIER NOT RUN AS ROOT: Relay.Tests Tier=Root needs euid 0 (network namespaces, veth, " +
                "iptables, setpriv). Run ./test.sh as root, or exclude the tier explicitly with " +
                "--filter \"Tier!=Root\".");
        }
    }
}
