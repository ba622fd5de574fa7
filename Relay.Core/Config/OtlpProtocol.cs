namespace Relay.Core.Config;

/// <summary>How spans reach the collector: OTLP over gRPC (port 4317) or HTTP/protobuf (4318, path /v1/traces).</summary>
public enum OtlpProtocol
{
    Grpc,
    HttpProtobuf,
}
