using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class MeshSectionTests
{
    [Fact]
    public void Load_MissingTrustDomain_Required()
    {
        var error = SingleError("mesh:\n  identity: spiffe://corp.example/host/a\n");

        AssertError(error, 2, 3, "mesh.trust_domain", "required key is missing");
    }

    [Fact]
    public void Load_InvalidTrustDomain_Reported()
    {
        var error = SingleError("mesh:\n  trust_domain: corp/example\n");

        AssertError(error, 2, 17, "mesh.trust_domain", "has character '/'");
    }

    [Fact]
    public void Load_InvalidIdentity_Reported()
    {
        var error = SingleError(MeshHeader + "  identity: http://corp.example/a\n");

        AssertError(error, 3, 13, "mesh.identity", "must start with 'spiffe://'");
    }

    [Fact]
    public void Load_IdentityOutsideTrustDomain_Reported()
    {
        var error = SingleError(MeshHeader + "  identity: spiffe://other.example/host/a\n");

        AssertError(error, 3, 13, "mesh.identity", "not in the mesh trust domain 'corp.example'");
    }

    [Fact]
    public void Load_ValidMesh_Compiled()
    {
        var snapshot = Valid(MeshHeader + "  identity: spiffe://corp.example/host/a\n");

        Assert.Equal(("corp.example", "spiffe://corp.example/host/a"), (snapshot.Mesh.TrustDomain, snapshot.Mesh.Identity));
    }
}
