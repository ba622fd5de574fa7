using System.Net;
using System.Text.Json;
using Relay.Core.Config;
using Relay.Core.Lifecycle;
using Relay.Core.Runtime;

namespace Relay.Tests.Lifecycle;

/// <summary>
/// Reloads that touch <c>tls</c>, <c>mesh.identity</c> and <c>mesh.trust_domain</c> (issue 11 §2), through
/// real sockets and real TLS: every change either takes effect for the next connection or rejects the whole
/// reload while the running TLS keeps serving.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class TlsReloadTests
{
    [Fact]
    public async Task Reload_AddingTls_StrictPortRefusesPlaintext_AndMtlsWorks()
    {
        await using var f = new TlsReloadFixture();
        await f.StartAsync(f.Yaml(tls: null, mtls: "permissive"));
        Assert.Equal("plain", await f.PlaintextAsync("plain"));
        Assert.Null(f.Runtime.Tls);

        var report = await f.ReloadAsync(f.Yaml(tls: "b"));

        Assert.Equal(ReloadOutcome.Applied, report.Outcome);
        Assert.Equal("", await f.PlaintextAsync("plain again"));
        await f.Log.WaitForAccessLineAsync(l => l.Contains("reason=strict_mode_plaintext_refused"), LifecycleFixture.Wait);
        var mtls = await f.MtlsAsync("over mtls");
        Assert.True(mtls.Echoed("over mtls"u8.ToArray()), mtls.ToString());
        Assert.Equal(f.Thumbprint("b"), mtls.ServerThumbprint);
    }

    [Fact]
    public async Task Reload_RemovingTls_PortBehavesAsConfigured_PlaintextPassesAgain()
    {
        await using var f = new TlsReloadFixture();
        await f.StartAsync(f.Yaml(tls: "b"));
        Assert.Equal("", await f.PlaintextAsync("refused while strict"));
        Assert.True((await f.MtlsAsync("mtls")).Echoed("mtls"u8.ToArray()));

        var report = await f.ReloadAsync(f.Yaml(tls: null));

        Assert.Equal(ReloadOutcome.Applied, report.Outcome);
        Assert.Null(f.Runtime.Tls);
        // Without tls the port is permissive by default and nothing is terminated: plaintext reaches the app,
        // and a mesh ClientHello reaches the app unchanged too (the echo app answers it with its own bytes).
        Assert.Equal("plain after", await f.PlaintextAsync("plain after"));
        var mtls = await f.MtlsAsync("not terminated");
        Assert.NotNull(mtls.HandshakeError);
        Assert.Equal((HttpStatusCode.NotFound, "not available\n"), await f.GetAsync("/certs"));
    }

    [Fact]
    public async Task Reload_ChangingCertPaths_ServesTheNewLeaf()
    {
        await using var f = new TlsReloadFixture();
        await f.StartAsync(f.Yaml(tls: "b"));
        Assert.Equal(f.Thumbprint("b"), (await f.MtlsAsync("first")).ServerThumbprint);
        var before = f.Runtime.Tls;

        var report = await f.ReloadAsync(f.Yaml(tls: "b2"));

        Assert.Equal(ReloadOutcome.Applied, report.Outcome);
        Assert.NotSame(before, f.Runtime.Tls);
        var exchange = await f.MtlsAsync("second");
        Assert.True(exchange.Echoed("second"u8.ToArray()), exchange.ToString());
        Assert.Equal(f.Thumbprint("b2"), exchange.ServerThumbprint);
        Assert.NotEqual(f.Thumbprint("b"), f.Thumbprint("b2"));
        using var certs = JsonDocument.Parse((await f.GetAsync("/certs")).Body);
        Assert.Equal(f.Thumbprint("b2"), certs.RootElement.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public async Task Reload_ChangingMinVersion_BuildsNewTlsSettings()
    {
        await using var f = new TlsReloadFixture();
        await f.StartAsync(f.Yaml(tls: "b"));
        var before = f.Runtime.Tls!;

        var report = await f.ReloadAsync(f.Yaml(tls: "b").Replace("/bundle.pem\" }", "/bundle.pem\", min_version: \"1.2\" }", StringComparison.Ordinal));

        Assert.Equal(ReloadOutcome.Applied, report.Outcome);
        Assert.NotSame(before, f.Runtime.Tls);
        Assert.Equal(System.Security.Authentication.SslProtocols.Tls12, f.Runtime.Tls!.Settings.MinVersion);
        Assert.True((await f.MtlsAsync("after")).Echoed("after"u8.ToArray()));
    }

    [Fact]
    public async Task Reload_UnreadableKeyPath_IsRejected_AndTheOldTlsKeepsServing()
    {
        await using var f = new TlsReloadFixture();
        await f.StartAsync(f.Yaml(tls: "b"));
        var running = f.Runtime.Current.Revision;
        var missingKey = Path.Combine(f.Dir("b2"), "no-such-key.pem");

        var report = await f.ReloadAsync(f.Yaml(tls: "b2", key: missingKey));

        Assert.Equal(ReloadOutcome.Rejected, report.Outcome);
        Assert.Equal(running, report.RunningRevision);
        Assert.Contains(report.Errors, e => e.Contains("tls:", StringComparison.Ordinal) && e.Contains(missingKey, StringComparison.Ordinal));
        var exchange = await f.MtlsAsync("still old");
        Assert.True(exchange.Echoed("still old"u8.ToArray()), exchange.ToString());
        Assert.Equal(f.Thumbprint("b"), exchange.ServerThumbprint);
        Assert.Equal("", await f.PlaintextAsync("still strict"));
        using var config = JsonDocument.Parse((await f.GetAsync("/config")).Body);
        Assert.Equal(running, config.RootElement.GetProperty("revision").GetString());
        Assert.Equal("rejected", config.RootElement.GetProperty("lastReload").GetProperty("outcome").GetString());
        var status = ConfigStatus.Read(f.ConfigPath, f.Dir("state"));
        Assert.Equal(DriftState.Drift, status.Drift);
        Assert.Contains(status.State!.LastReload!.Errors, e => e.Contains(missingKey, StringComparison.Ordinal));
    }

    [Fact]
    public void Start_IdentityNotMatchingTheCertificate_IsAnError()
    {
        using var f = new SyncFixture();
        var snapshot = Support.TestConfigs.Load(f.Inner.Yaml(tls: "other"));
        using var metrics = new Relay.Core.Observability.RelayMetrics();
        var (runtime, errors) = Relay.Core.Runtime.RelayRuntime.Create(snapshot, metrics, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        Assert.Null(runtime);
        Assert.Contains(errors, e => e.Contains("spiffe://mesh.test/other does not match mesh.identity spiffe://mesh.test/b", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_Daemon_IdentityNotMatchingTheCertificate_ExitsTwoAndBindsNothing()
    {
        await using var f = new TlsReloadFixture();
        await File.WriteAllTextAsync(f.ConfigPath, f.Yaml(tls: "other"));

        var code = await Relay.Daemon.Hosting.DaemonHost.RunAsync(f.ConfigPath, false, Serilog.Events.LogEventLevel.Information,
            new ReloadOptions { StateDirectory = f.Dir("state"), FollowCaptureRules = false }, CancellationToken.None);

        Assert.Equal(Relay.Daemon.Commands.ExitCodes.InvalidInput, code);
        Assert.Equal("", await f.PlaintextAsync("nobody listens"));
    }

    [Fact]
    public async Task Reload_IdentityNotMatchingTheCertificate_IsRejected()
    {
        await using var f = new TlsReloadFixture();
        await f.StartAsync(f.Yaml(tls: "b"));

        var certMismatch = await f.ReloadAsync(f.Yaml(tls: "other"));
        var identityMismatch = await f.ReloadAsync(f.Yaml(tls: "b", identity: "spiffe://mesh.test/other"));

        Assert.Equal(ReloadOutcome.Rejected, certMismatch.Outcome);
        Assert.Contains(certMismatch.Errors, e => e.Contains("does not match mesh.identity", StringComparison.Ordinal));
        Assert.Equal(ReloadOutcome.Rejected, identityMismatch.Outcome);
        Assert.Contains(identityMismatch.Errors, e => e.Contains("spiffe://mesh.test/b does not match mesh.identity spiffe://mesh.test/other", StringComparison.Ordinal));
        Assert.Equal(f.Thumbprint("b"), (await f.MtlsAsync("kept")).ServerThumbprint);
    }

    [Fact]
    public async Task Rotation_ToACertificateOfAnotherIdentity_IsRejected_AndTheLastGoodOneKeepsServing()
    {
        await using var f = new TlsReloadFixture();
        await f.StartAsync(f.Yaml(tls: "b"));
        var store = f.Runtime.Tls!.Store;
        foreach (var file in new[] { "key.pem", "cert.pem" })
        {
            File.Copy(Path.Combine(f.Dir("other"), file), Path.Combine(f.Dir("b"), file), overwrite: true);
        }

        var result = store.Reload();

        Assert.NotNull(result);
        Assert.False(result!.Succeeded);
        Assert.Contains(result.Errors, e => e.Contains("does not match mesh.identity spiffe://mesh.test/b", StringComparison.Ordinal));
        Assert.Contains("relay_tls_rotations_total{result=\"invalid\"}", f.Exporter.Scrape());
        var exchange = await f.MtlsAsync("last good");
        Assert.True(exchange.Echoed("last good"u8.ToArray()), exchange.ToString());
        Assert.Equal(TlsReloadFixture.Identity, exchange.ServerSpiffeId);
        Assert.NotEqual(f.Thumbprint("other"), exchange.ServerThumbprint);
    }

    [Fact]
    public async Task Reload_ChangingTrustDomain_IsValidatedAgainstTheCertificate()
    {
        await using var f = new TlsReloadFixture();
        await f.StartAsync(f.Yaml(tls: "b"));

        var report = await f.ReloadAsync(f.Yaml(tls: "b", identity: "spiffe://other.test/b", trustDomain: "other.test"));

        Assert.Equal(ReloadOutcome.Rejected, report.Outcome);
        Assert.Contains(report.Errors, e => e.Contains("is not in trust domain 'other.test'", StringComparison.Ordinal));
        Assert.True((await f.MtlsAsync("kept")).Echoed("kept"u8.ToArray()));
    }

    /// <summary>For tests that only need the fixture's files and YAML, not a running Relay.</summary>
    private sealed class SyncFixture : IDisposable
    {
        public TlsReloadFixture Inner { get; } = new();

        public void Dispose() => Inner.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
