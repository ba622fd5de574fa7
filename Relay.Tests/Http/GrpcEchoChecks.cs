using Grpc.Core;
using Relay.Tests.Http.Grpc;

namespace Relay.Tests.Http;

/// <summary>
/// The gRPC checks every path must pass (one Relay, the loopback mesh pair, the Root hosts),
/// against echo.proto's <see cref="EchoService"/>: the reply, the status and the trailers arrive
/// intact, and streams are not buffered whole.
/// </summary>
internal static class GrpcEchoChecks
{
    public static async Task UnaryAsync(Echo.EchoClient client, TimeSpan wait)
    {
        using var call = client.SayAsync(new Note { Text = "hello" }, deadline: DateTime.UtcNow + wait);

        Assert.Equal("said hello", (await call.ResponseAsync).Text);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    /// <summary>Every one of <paramref name="count"/> messages in order, then OK and the custom trailer.</summary>
    public static async Task ServerStreamingAsync(Echo.EchoClient client, int count, TimeSpan wait)
    {
        using var call = client.Repeat(new RepeatRequest { Text = "tick", Count = count }, deadline: DateTime.UtcNow + wait);
        var received = new List<string>();
        await foreach (var note in call.ResponseStream.ReadAllAsync())
        {
            received.Add(note.Text);
        }

        Assert.Equal(Enumerable.Range(0, count).Select(i => $"tick {i}"), received);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), call.GetTrailers().GetValue("x-repeat-count"));
    }

    /// <summary>Each reply arrives before the next message is sent: nothing is buffered whole.</summary>
    public static async Task BidirectionalAsync(Echo.EchoClient client, int count, TimeSpan wait)
    {
        using var call = client.Chat(deadline: DateTime.UtcNow + wait);
        for (var i = 0; i < count; i++)
        {
            await call.RequestStream.WriteAsync(new Note { Text = $"m{i}" });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal($"re: m{i}", call.ResponseStream.Current.Text);
        }
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    /// <summary>An error status and its detail travel in the trailers.</summary>
    public static async Task ErrorStatusAsync(Echo.EchoClient client, TimeSpan wait)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.FailAsync(new Note { Text = "x" }, deadline: DateTime.UtcNow + wait));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("refused: x", error.Status.Detail);
    }
}
