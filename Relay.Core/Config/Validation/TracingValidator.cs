namespace Relay.Core.Config.Validation;

/// <summary>tracing: queue and batch bounds (the endpoint, protocol and ratio are checked when read).</summary>
internal static class TracingValidator
{
    // The SDK's defaults are 2048 queued and 512 per batch; 1M spans of ~1 KiB would be 1 GiB
    // held in memory for a dead collector, which is where a bounded queue stops being a bound.
    private const int MaxQueue = 1_000_000;

    public static void Validate(TracingConfig? tracing, ConfigErrorSink errors)
    {
        if (tracing is null)
        {
            return;
        }
        ValueRules.Range(tracing.MaxQueueSize, 1, MaxQueue, errors);
        ValueRules.Range(tracing.MaxExportBatchSize, 1, MaxQueue, errors);
        if (tracing.MaxQueueSize is { } queue && tracing.MaxExportBatchSize is { } batch && batch.Value > queue.Value)
        {
            errors.Add(batch.Location, $"must not exceed max_queue_size ({queue.Value}), got {batch.Value}");
        }
    }
}
