using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Gateway;

/// <summary>
/// TLS on a <c>tls</c> port as a returning client sees it: a second handshake resumes the first
/// session (a TLS 1.3 ticket, a TLS 1.2 session), and an unknown server name is told so with an
/// alert even when no ACME challenge makes the gateway read the ClientHello itself.
/// </summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class GatewayTlsResumptionTests
{
    [Theory]
    [InlineData("-tls1_3", "Reused, TLSv1.3")]
    [InlineData("-tls1_2", "Reused, TLSv1.2")]
    public async Task A_returning_client_resumes_its_session(string version, string reused)
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = new TestApp(banner: "resumed", closeAfterBanner: true);
        var (app, v4) = await edge.DeployWithV4Async("resume", GatewayConfigs.Tcp(7460, "\"tls\""), ("ams", echo.Address));
        await app.AddCertificateSkippingOwnershipCheck("resume.test", null, null);
        await edge.StartGatewayAsync();
        var session = Path.Combine(Path.GetTempPath(), $"mesh-tls-session-{Guid.NewGuid():N}");
        try
        {
            // The app closes after its banner, so s_client ends having read the tickets sent after the handshake.
            var first = await Eventually.Succeeds(async () =>
            {
                var r = await Tool.SClientAsync(v4, 7460, "-servername", "resume.test", version, "-sess_out", session);
                return r.Stdout.Contains("resumed", StringComparison.Ordinal) ? r : throw new TimeoutException("not through yet:\n" + r.Stdout + r.Stderr);
            }, TimeSpan.FromSeconds(30));
            Assert.Contains("New, TLSv1.", first.Stdout);

            var second = await Tool.SClientAsync(v4, 7460, "-servername", "resume.test", version, "-sess_in", session);
            Assert.Contains(reused, second.Stdout);
            Assert.Contains("resumed", second.Stdout);
        }
        finally
        {
            File.Delete(session);
        }
    }

    [Fact]
    public async Task An_unknown_server_name_gets_unrecognized_name_with_no_challenge_open()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = new TestApp(banner: "known", closeAfterBanner: true);
        var (app, v4) = await edge.DeployWithV4Async("names", GatewayConfigs.Tcp(7461, "\"tls\""), ("ams", echo.Address));
        await app.AddCertificateSkippingOwnershipCheck("known.test", null, null);
        var gateway = await edge.StartGatewayAsync();
        await Eventually.Succeeds(async () =>
        {
            var r = await Tool.SClientAsync(v4, 7461, "-servername", "known.test");
            return r.Stdout.Contains("known", StringComparison.Ordinal) ? r : throw new TimeoutException("not through yet:\n" + r.Stdout + r.Stderr);
        }, TimeSpan.FromSeconds(30));

        var unknown = await Tool.SClientAsync(v4, 7461, "-servername", "nobody.test");
        Assert.Contains("unrecognized name", unknown.Stdout + unknown.Stderr);
        Assert.NotEqual(0, unknown.ExitCode);
        await Eventually.Until(() => gateway.CounterAsync("error.unknown_sni"), n => n >= 1, TimeSpan.FromSeconds(10));
    }
}
