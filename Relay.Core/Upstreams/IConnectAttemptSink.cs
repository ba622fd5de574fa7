namespace Relay.Core.Upstreams;

/// <summary>
/// Told of every single upstream connect attempt, so the metrics count each failed endpoint of a
/// failover and time each attempt on its own (not the failover around it).
/// </summary>
internal interface IConnectAttemptSink
{
    /// <param name="service">The service name, or "passthrough" for destinations not in the config.</param>
    void Attempted(string service, TimeSpan elapsed, bool succeeded);
}
