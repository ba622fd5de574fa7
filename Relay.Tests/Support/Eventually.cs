namespace Relay.Tests.Support;

/// <summary>Bounded polling for a state another thread or process reaches on its own.</summary>
internal static class Eventually
{
    /// <summary>Polls every 20 ms until <paramref name="condition"/> holds; fails once <paramref name="timeout"/> has passed.</summary>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not reached in time");
            await Task.Delay(20);
        }
    }
}
