using System.Globalization;
using Relay.Core.Observability;

namespace Relay.Tests.Observability;

public sealed class UtcStampTests
{
    [Theory]
    [InlineData("2026-12-03T00:00:00.000")]
    [InlineData("2026-01-09T09:05:07.009")]
    [InlineData("1999-12-31T23:59:59.999")]
    [InlineData("0001-01-01T00:00:00.000")]
    [InlineData("9999-12-31T23:59:59.999")]
    [InlineData("2024-02-29T12:34:56.780")]
    public void Write_MatchesTheCustomFormatString(string at)
    {
        var utc = DateTime.SpecifyKind(DateTime.ParseExact(at, "yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture), DateTimeKind.Utc);
        var into = new char[UtcStamp.Length + 2];
        into[^2] = '#';
        into[^1] = '#';
        UtcStamp.Write(into, utc);
        Assert.Equal(utc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) + "##", new string(into));
    }

    [Fact]
    public void Write_MatchesTheCustomFormatString_OverManyRandomTimes()
    {
        var random = new Random(20261203);
        var into = new char[UtcStamp.Length];
        for (var i = 0; i < 10_000; i++)
        {
            var utc = new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), DateTimeKind.Utc);
            UtcStamp.Write(into, utc);
            Assert.Equal(utc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), new string(into));
        }
    }
}
