namespace Relay.Core.Config.Validation;

/// <summary>mesh: this host's identity must belong to the mesh's trust domain.</summary>
internal static class MeshValidator
{
    public static void Validate(MeshConfig? mesh, ConfigErrorSink errors)
    {
        if (mesh?.Zone is { } zone)
        {
            // The same syntax as an endpoint's zone, so the two can be compared as written.
            EndpointsValidator.Value(zone, "zone", errors, allowEmpty: false);
        }
        if (mesh is not { TrustDomain: { } trustDomain, Identity: { } identity })
        {
            return;
        }
        if (identity.Value.TrustDomain != trustDomain.Value)
        {
            errors.Add(identity.Location, $"identity '{identity.Value}' is not in the mesh trust domain '{trustDomain.Value}'");
        }
    }
}
