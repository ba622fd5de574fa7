using System.Text.RegularExpressions;
using Relay.Core.Http;

namespace Relay.Tests.Http;

[Trait("Tier", "Unit")]
public sealed partial class RequestIdsTests
{
    [Fact]
    public void Ids_AreVersion4Uuids_DistinctAcrossSeveralRefills()
    {
        // 1,000 ids span several 128-id refills of the per-thread buffer.
        var ids = Enumerable.Range(0, 1000).Select(_ => RequestIds.Next()).ToList();

        Assert.All(ids, id => Assert.Matches(Version4(), id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Threads_DrawTheirOwnIds_NoneRepeated()
    {
        var perThread = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 500).Select(_ => RequestIds.Next()).ToList())));

        var all = perThread.SelectMany(ids => ids).ToList();
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
    }

    // RFC 9562: xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx, lower case (Guid's "D" format).
    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex Version4();
}
