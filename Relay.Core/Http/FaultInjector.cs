using System.Globalization;
using Microsoft.AspNetCore.Http;
using Relay.Core.Config;
using Relay.Core.Vocabulary;

namespace Relay.Core.Http;

/// <summary>
/// A route's fault injection, before the request is forwarded (Envoy's HTTP fault filter): the
/// delay first (the request then goes on, or is aborted), then the abort, answered by Relay with
/// the configured status, or a trailers-only gRPC response (HTTP 200, grpc-status), and
/// <c>x-relay-error: fault_injected</c>. An aborted request never reaches the upstream. With a
/// header trigger only requests that carry the header are eligible, so a test can target itself.
/// </summary>
internal static class FaultInjector
{
    /// <summary>True when the request was aborted (the response is set); false to forward it.</summary>
    public static async ValueTask<bool> AbortedAsync(FaultPolicy? fault, HttpContext context)
    {
        if (fault is null || (fault.Header is { } header && !context.Request.Headers.ContainsKey(header)))
        {
            return false;
        }
        if (fault.Delay is { } delay && Chance(fault.DelayPercent))
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The client left during the delay; the forward that follows ends as client_reset.
            }
        }
        if (!Chance(fault.AbortPercent))
        {
            return false;
        }
        if (fault.AbortGrpc is { } grpc)
        {
            HttpErrors.Refuse(context, CloseReason.FaultInjected, StatusCodes.Status200OK);
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = grpc.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = "fault injected by relay";
            return true;
        }
        HttpErrors.Refuse(context, CloseReason.FaultInjected, fault.AbortStatus!.Value);
        return true;
    }

    private static bool Chance(double percent) => percent >= 100 || (percent > 0 && Random.Shared.NextDouble() * 100 < percent);
}
