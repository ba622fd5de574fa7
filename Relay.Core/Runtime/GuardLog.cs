using Microsoft.Extensions.Logging;
using Relay.Core.Routing.Guard;

namespace Relay.Core.Runtime;

/// <summary>The one log line of a canary-guard cut (a warning: traffic moved without an edit).</summary>
internal static partial class GuardLog
{
    public static void Tripped(ILogger logger, GuardOverride cut) =>
        LogTripped(logger, cut.Service, cut.Route, cut.Backend, cut.SuccessRate, cut.Requests, cut.MinSuccessRate, cut.FileWeight);

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning,
        Message = "canary guard: service {Service} route {Route} backend {Backend} answered {Rate:P2} non-5xx over the last {Requests} requests, below {Min:P2}; its weight {FileWeight} is 0 on this host until the config file changes")]
    private static partial void LogTripped(ILogger logger, string service, string route, string backend, double rate, long requests, double min, int fileWeight);
}
