namespace Relay.Core.Iptables;

/// <summary>The two address families the capture rules cover; each has its own netfilter tables.</summary>
internal enum IpFamily
{
    V4,
    V6,
}

internal static class IpFamilyTools
{
    public static string Iptables(this IpFamily family) => family == IpFamily.V4 ? "iptables" : "ip6tables";

    public static string Restore(this IpFamily family) => family == IpFamily.V4 ? "iptables-restore" : "ip6tables-restore";

    public static string Save(this IpFamily family) => family == IpFamily.V4 ? "iptables-save" : "ip6tables-save";

    /// <summary>The whole loopback range: 127.0.0.0/8 for IPv4 (not just .1), ::1 alone for IPv6.</summary>
    public static string LoopbackCidr(this IpFamily family) => family == IpFamily.V4 ? "127.0.0.0/8" : "::1/128";

    public static System.Net.Sockets.AddressFamily AddressFamily(this IpFamily family) =>
        family == IpFamily.V4
            ? System.Net.Sockets.AddressFamily.InterNetwork
            : System.Net.Sockets.AddressFamily.InterNetworkV6;
}
