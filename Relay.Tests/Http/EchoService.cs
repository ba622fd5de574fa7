using Grpc.Core;
using Relay.Tests.Http.Grpc;

namespace Relay.Tests.Http;

/// <summary>The upstream side of the gRPC tests: Grpc.AspNetCore serving echo.proto.</summary>
internal sealed class EchoService : Echo.EchoBase
{
    public override Task<Note> Say(Note request, ServerCallContext context) =>
        Task.FromResult(new Note { Text = "said " + request.Text });

    public override async Task Repeat(RepeatRequest request, IServerStreamWriter<Note> responseStream, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            await responseStream.WriteAsync(new Note { Text = $"{request.Text} {i}" });
        }
        context.ResponseTrailers.Add("x-repeat-count", request.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public override async Task Chat(IAsyncStreamReader<Note> requestStream, IServerStreamWriter<Note> responseStream, ServerCallContext context)
    {
        await foreach (var note in requestStream.ReadAllAsync())
        {
            await responseStream.WriteAsync(new Note { Text = "re: " + note.Text });
        }
    }

    public override Task<Note> Fail(Note request, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.FailedPrecondition, "refused: " + request.Text));
}
