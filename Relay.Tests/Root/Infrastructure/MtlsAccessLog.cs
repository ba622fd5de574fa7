namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// The mTLS fields of access lines (<c>tls=TLSv1.3 peer=spiffe://... policy=allow|deny|-</c>; <c>-</c> when a
/// connection was not mesh TLS) and a cursor-style wait for the next line a relay writes.
/// </summary>
internal static class MtlsAccessLog
{
    public const string None = "-";

    public const string Tls13 = "TLSv1.3";

    public static string Tls(this AccessLogEntry line) => line.Field("tls");

    /// <summary>The negotiated mesh ALPN token, not one merely offered in the ClientHello.</summary>
    public static string Alpn(this AccessLogEntry line) => line.Field("alpn");

    public static string Peer(this AccessLogEntry line) => line.Field("peer");

    public static string Policy(this AccessLogEntry line) => line.Field("policy");

    /// <summary>
    /// Waits for the first access line after the first <paramref name="before"/> ones, then a quiet period,
    /// and asserts exactly one new line arrived (a test acts on one connection at a time).
    /// </summary>
    public static async Task<AccessLogEntry> SingleNewLineAsync(RelayProcess relay, int before)
    {
        await relay.WaitForAccessLinesAsync(before + 1, AccessLog.LineTimeout);
        await Task.Delay(AccessLog.QuietPeriod);
        var added = relay.AccessLines.Skip(before).ToArray();
        Assert.True(added.Length == 1, $"expected exactly 1 new access line from {relay}\n(got {added.Length})");
        return added[0];
    }
}
