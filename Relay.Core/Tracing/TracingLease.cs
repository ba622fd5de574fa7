namespace Relay.Core.Tracing;

/// <summary>
/// The tracing generation one request runs under, from its arrival to its response, whatever
/// reloads happen meanwhile: both of its spans come from it, and it is kept alive until then.
/// </summary>
internal readonly struct TracingLease(RelayTracing? tracing) : IDisposable
{
    /// <summary>Null when tracing was off as the request arrived.</summary>
    public RelayTracing? Tracing => tracing;

    public void Dispose() => tracing?.Exit();
}
