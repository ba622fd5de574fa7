using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;
using Relay.Tls.Certificates;
using Relay.Tls.Identity;
using Relay.Tls.MeshTls;

namespace Relay.Tests.Tls;

/// <summary>
/// Proves Relay-to-Relay TLS session resumption with the options MeshTlsOptionsFactory builds.
/// .NET exposes no public "resumed" flag; SslStream's internal SslConnectionInfo.TlsResumed (the
/// one dotnet/runtime's own SslStreamTlsResumeTests read) is read by reflection, test-only.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class MeshTlsResumptionTests : IDisposable
{
    private readonly TestPki pki = new();
    private readonly MeshTlsLoopback loopback = new();

    public void Dispose()
    {
        loopback.Dispose();
        pki.Dispose();
    }

    /// <summary>
    /// OpenSSL's own answer: SSL_session_reused on the stream's SSL*. .NET exposes no public
    /// "resumed" flag (SslConnectionInfo.TlsResumed exists only in Debug runtime builds), so the
    /// test reads the native handle by reflection; production code never does this.
    /// </summary>
    private static bool IsResumed(SslStream stream)
    {
        var field = typeof(SslStream).GetField("_securityContext", BindingFlags.Instance | BindingFlags.NonPublic);
        Assert.NotNull(field);
        var context = Assert.IsAssignableFrom<SafeHandle>(field.GetValue(stream));
        return SslSessionReused(context.DangerousGetHandle()) == 1;
    }

    [DllImport("libssl.so.3", EntryPoint = "SSL_session_reused")]
    private static extern int SslSessionReused(IntPtr ssl);

    [Fact]
    public async Task SecondConnection_SameTargetHost_ResumesAndStillAuthenticatesPeer()
    {
        var client = pki.Credentials("spiffe://corp.example/host/vm-a");
        var server = pki.Credentials("spiffe://corp.example/host/vm-b");
        // A unique target host per test: the OpenSSL client session cache is process-wide.
        var host = $"{Guid.NewGuid():N}.relay.test";
        var resumed = new List<(bool Client, bool Server)>();
        for (var i = 0; i < 3; i++)
        {
            var (c, s, cs, ss) = await loopback.RunAsync(client, () => server, [SpiffeId.Parse("spiffe://corp.example/host/vm-b")], null, host);
            using (cs)
            using (ss)
            {
                Assert.True(c.Succeeded, c.Detail);
                Assert.True(s.Succeeded, s.Detail);
                // Identity survives resumption (from the callback or the post-handshake re-check).
                Assert.Equal("spiffe://corp.example/host/vm-a", s.PeerId!.ToString());
                Assert.Equal("spiffe://corp.example/host/vm-b", c.PeerId!.ToString());
                await cs.WriteAsync(new byte[] { 1 });
                Assert.Equal(1, await ss.ReadAsync(new byte[1]));
                // TLS 1.3 sends the session ticket after the handshake; the client only stores it
                // when it reads, so a real request/response exchange is needed for resumption.
                await ss.WriteAsync(new byte[] { 2 });
                Assert.Equal(1, await cs.ReadAsync(new byte[1]));
                resumed.Add((IsResumed(cs), IsResumed(ss)));
                await cs.ShutdownAsync();
                await ss.ShutdownAsync();
            }
        }
        Assert.Equal((false, false), resumed[0]);
        Assert.Equal((true, true), resumed[1]);
        Assert.Equal((true, true), resumed[2]);
    }
}
