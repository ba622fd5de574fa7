namespace Relay.Core.Config.Validation;

/// <summary>Runs every section's rules and the cross-section ones; all errors go to one sink.</summary>
internal static class MeshFileValidator
{
    public static void Validate(MeshFileConfig file, ConfigErrorSink errors)
    {
        MeshValidator.Validate(file.Mesh, errors);
        CaptureValidator.Validate(file.Capture, errors);
        LimitsValidator.Validate(file.Limits, errors);
        InboundValidator.Validate(file.Inbound, file, errors);
        ServicesValidator.Validate(file.Services, file.Tls is not null, errors);
        RoutesValidator.Validate(file.Services, errors);
        PortCollisionValidator.Validate(file, errors);
        ServiceDestinationValidator.Validate(file.Services, errors);
        ListenersValidator.Validate(file, errors);
        TracingValidator.Validate(file.Tracing, errors);
        DiscoveryValidator.Validate(file, errors);
    }
}
