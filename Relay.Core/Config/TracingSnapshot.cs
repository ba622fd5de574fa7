namespace Relay.Core.Config;

/// <summary>
/// Tracing as it runs: spans for the HTTP path, exported over OTLP by the OpenTelemetry SDK's
/// batch processor. The queue is bounded (<see cref="MaxQueueSize"/>): when the collector is
/// slow or down, spans beyond it are dropped, never waited for.
/// </summary>
public sealed record TracingSnapshot(
    Uri OtlpEndpoint,
    OtlpProtocol Protocol,
    double SamplingRatio,
    int MaxQueueSize,
    int MaxExportBatchSize,
    TimeSpan ScheduleDelay,
    TimeSpan ExportTimeout,
    string ServiceName);
