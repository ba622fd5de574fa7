using Relay.Core.Iptables;

namespace Relay.Tests.Iptables;

[Trait("Tier", "Unit")]
public sealed class UidResolverTests
{
    [Fact]
    public void Resolve_NumericUids_TakenWithoutLookup()
    {
        var (uids, errors) = UidResolver.Resolve("0", ["65534"], _ => throw new InvalidOperationException("no lookup expected"));

        Assert.Empty(errors);
        Assert.Equal([0, 65534], uids.ToArray());
    }

    [Fact]
    public void Resolve_AllUnknownNames_ReportsEveryOne()
    {
        var (_, errors) = UidResolver.Resolve("ghost", ["phantom", "app"], CaptureSnapshots.Lookup);

        Assert.Equal(2, errors.Length);
        Assert.Contains(errors, e => e.Contains("'ghost'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'phantom'", StringComparison.Ordinal));
    }

    [Fact]
    public void PasswdLookup_ParseLine_ReadsThirdField()
    {
        Assert.Equal(998, PasswdLookup.ParseLine("relay:x:998:998::/nonexistent:/usr/sbin/nologin", "relay"));
        Assert.Null(PasswdLookup.ParseLine("relayd:x:997:997::/:/bin/false", "relay"));
        Assert.Null(PasswdLookup.ParseLine("relay:x:notanumber:1::/:/bin/false", "relay"));
    }

    [Fact]
    public void PasswdLookup_FindUid_RootIsZeroOnThisHost()
    {
        Assert.Equal(0, PasswdLookup.FindUid("root"));
        Assert.Equal(0, PasswdLookup.FindInFile("/etc/passwd", "root"));
        Assert.Null(PasswdLookup.FindUid("relay-no-such-user-4f2a"));
    }
}
