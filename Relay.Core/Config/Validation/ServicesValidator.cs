using System.Net;
using System.Text.RegularExpressions;

namespace Relay.Core.Config.Validation;

/// <summary>services: names, ports, non-empty endpoint lists, identities when mTLS applies.</summary>
internal static partial class ServicesValidator
{
    public static void Validate(IReadOnlyList<ServiceConfig> services, bool tlsConfigured, ConfigErrorSink errors)
    {
        foreach (var service in services)
        {
            if (!ServiceName().IsMatch(service.Name.Value))
            {
                errors.Add(service.Name.Location, $"service name '{service.Name.Value}' may only hold lowercase letters, digits and '-'");
            }
            ValueRules.Port(service.Port, errors);
            Addresses(service.Addresses, errors);
            Endpoints(service, errors);
            Identities(service, tlsConfigured, errors);
            HashOn(service, errors);
            OutlierDetectionValidator.Validate(service.OutlierDetection, errors);
            CircuitBreakersValidator.Validate(service.CircuitBreakers, errors);
            HealthCheckValidator.Validate(service.HealthCheck, errors);
        }
    }

    private static void HashOn(ServiceConfig service, ConfigErrorSink errors)
    {
        if (service.HashOn is not { } hashOn)
        {
            return;
        }
        if (service.LoadBalancing?.Value != LoadBalancing.RingHash)
        {
            errors.Add(hashOn.Location, "applies only with load_balancing: ring-hash");
        }
        else if (hashOn.Value.Header is not null && (service.Protocol?.Value ?? ConfigDefaults.Protocol) is AppProtocol.Tcp or AppProtocol.Auto)
        {
            errors.Add(hashOn.Location, "a header can be hashed only for a protocol: http, http2 or grpc service (a tcp or auto connection may have no request); use client-address");
        }
    }

    private static void Addresses(ConfigList<IPAddress>? addresses, ConfigErrorSink errors)
    {
        foreach (var address in addresses?.Items ?? [])
        {
            if (address.Value.Equals(IPAddress.Any) || address.Value.Equals(IPAddress.IPv6Any))
            {
                errors.Add(address.Location, $"'{address.Value}' is the unspecified address; apps cannot dial it");
            }
        }
        ValueRules.NoDuplicates(addresses, errors);
    }

    private static void Endpoints(ServiceConfig service, ConfigErrorSink errors)
    {
        ValueRules.NotEmpty(service.Endpoints, errors);
        ValueRules.NoDuplicates(service.EndpointAddresses, errors);
        EndpointsValidator.Validate(service.Endpoints, errors);
    }

    private static void Identities(ServiceConfig service, bool tlsConfigured, ConfigErrorSink errors)
    {
        ValueRules.NoDuplicates(service.Identities, errors);
        var meshTls = service.MeshTls?.Value ?? ConfigDefaults.MeshTls;
        if (!meshTls || !tlsConfigured)
        {
            return;
        }
        if (service.Identities is null)
        {
            errors.Add(service.Location.Child("identities"), "required when mesh_tls is true and a tls section exists: the SPIFFE IDs this service's endpoints may present");
            return;
        }
        if (service.Identities.IsLiterallyEmpty)
        {
            errors.Add(service.Identities.Location, "must list at least one SPIFFE ID when mesh_tls is true and a tls section exists");
        }
    }

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex ServiceName();
}
