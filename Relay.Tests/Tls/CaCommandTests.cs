using System.CommandLine;
using Relay.Daemon.Commands;
using Relay.Tls.Certificates;

namespace Relay.Tests.Tls;

[Trait("Tier", "Unit")]
public sealed class CaCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("relay-ca-test-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static Task<int> Run(params string[] args)
    {
        var root = new RootCommand { CaCommand.Create() };
        return root.Parse(args).InvokeAsync();
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task InitThenIssue_WritesLoadableCredentialsWithPrivateKeys0600()
    {
        var ca = Path.Combine(dir, "ca");
        var host = Path.Combine(dir, "vm-a");
        Assert.Equal(0, await Run("ca", "init", "--trust-domain", "corp.example", "--out", ca));
        Assert.Equal(0, await Run("ca", "issue", "--ca", ca, "--identity", "spiffe://corp.example/host/vm-a", "--days", "2", "--out", host));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(ca, "ca.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(host, "key.pem")));
        var result = CredentialLoader.Load(Path.Combine(host, "cert.pem"), Path.Combine(host, "key.pem"), Path.Combine(host, "bundle.pem"), "corp.example");
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal("spiffe://corp.example/host/vm-a", result.Credentials!.SpiffeId.ToString());
        Assert.InRange(result.Credentials.NotAfter, DateTimeOffset.UtcNow.AddDays(1.9), DateTimeOffset.UtcNow.AddDays(2.1));
    }

    [Fact]
    public async Task Init_ExistingCaKey_RefusesWithExit2()
    {
        Assert.Equal(0, await Run("ca", "init", "--trust-domain", "corp.example", "--out", dir));
        var before = File.ReadAllText(Path.Combine(dir, "ca.key"));
        Assert.Equal(2, await Run("ca", "init", "--trust-domain", "corp.example", "--out", dir));
        Assert.Equal(before, File.ReadAllText(Path.Combine(dir, "ca.key")));
    }

    [Theory]
    [InlineData("Corp.Example", "spiffe://corp.example/x")]
    [InlineData("corp.example", "spiffe://other.example/x")]
    [InlineData("corp.example", "https://corp.example/x")]
    public async Task BadInput_Exit2(string trustDomain, string identity)
    {
        var ca = Path.Combine(dir, "ca");
        var init = await Run("ca", "init", "--trust-domain", trustDomain, "--out", ca);
        var issue = await Run("ca", "issue", "--ca", ca, "--identity", identity, "--out", Path.Combine(dir, "leaf"));
        Assert.Equal(2, issue);
        Assert.False(File.Exists(Path.Combine(dir, "leaf", "cert.pem")));
        Assert.Equal(trustDomain == "corp.example" ? 0 : 2, init);
    }

    [Fact]
    public void IssueLeaf_MissingCa_ReturnsError()
    {
        var result = CertificateAuthority.IssueLeaf(Path.Combine(dir, "nope"), "spiffe://corp.example/x", 1, dir);
        Assert.False(result.Succeeded);
        Assert.Contains("cannot read the CA", result.Error);
    }
}
