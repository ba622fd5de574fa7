namespace Relay.Core.Config;

/// <summary>mesh.yaml <c>tracing</c>: where spans go (OTLP), how many are sampled, how much may queue.</summary>
internal sealed record TracingConfig(
    ConfigLocation Location,
    Located<Uri>? OtlpEndpoint,
    Located<OtlpProtocol>? Protocol,
    Located<double>? SamplingRatio,
    Located<int>? MaxQueueSize,
    Located<int>? MaxExportBatchSize,
    Located<TimeSpan>? ScheduleDelay,
    Located<TimeSpan>? ExportTimeout,
    Located<string>? ServiceName);
