using System.Collections.Immutable;

namespace Relay.Tls.Certificates;

/// <summary>Either a validated <see cref="MeshCredentials"/> or every problem found, as readable sentences.</summary>
public sealed record CredentialLoadResult(MeshCredentials? Credentials, ImmutableArray<string> Errors)
{
    public bool Succeeded => Credentials is not null;

    public static CredentialLoadResult Success(MeshCredentials credentials) => new(credentials, []);

    public static CredentialLoadResult Failure(IEnumerable<string> errors) => new(null, [.. errors]);
}
