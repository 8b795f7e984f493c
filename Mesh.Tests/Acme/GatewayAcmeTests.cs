using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mesh.Acme;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Tests.Cluster;
using Mesh.Tests.Gateway;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Acme;

/// <summary>
/// The gateway side of managed certificates through a real gateway: ACME challenges published in
/// the route table answered to curl and openssl, the unrecognized_name alert, OCSP stapling from
/// a real responder, and a renewal that changes only new handshakes.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class GatewayAcmeTests
{
    private const string WebConfig = "[http_service]\n  internal_port = 8080\n  force_https = true\n";

    /// <summary>Adds challenges to the app's route as the certificate grain does, through the route table.</summary>
    private static async Task PublishChallengesAsync(EmbeddedEdge edge, string app, params AcmeChallengeRoute[] challenges)
    {
        var route = (await edge.Grains.GetGrain<IAppGrain>(app).GetRoute())!.Route;
        await edge.Grains.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global).PublishApp(route with { Challenges = [.. challenges] });
    }

    private static async Task<(IAppGrain App, string Shared)> DeploySharedAsync(EmbeddedEdge edge, string name, TestApp instance)
    {
        var app = edge.Grains.GetGrain<IAppGrain>(name);
        await app.Create("personal");
        var shared = (await app.Deploy(WebConfig)).NewIps.Single(i => i.Kind == IpKind.SharedV4).Address;
        await app.AddInstance(new InstanceRegistration("ams", instance.Address, []));
        return (app, shared);
    }

    private static Task<CliResult> Curl(params string[] args) => Tool.RunAsync("curl", ["-s", "-i", "--max-time", "20", .. args]);

    private static string Body(string response) => response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];

    private static string FirstPem(string text)
    {
        var start = text.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal);
        var end = text.IndexOf("-----END CERTIFICATE-----", start, StringComparison.Ordinal) + "-----END CERTIFICATE-----".Length;
        return text[start..end] + "\n";
    }

    [Fact]
    public async Task Http01_is_answered_on_port_80_before_force_https_whatever_the_host_and_never_reaches_the_app()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var instance = new TestApp();
        var (web, shared) = await DeploySharedAsync(edge, "acme-web", instance);
        await web.AddCertificateSkippingOwnershipCheck("www.acme-web.test", null, null);
        // An app without any http service: port 80 of its dedicated address opens for the challenge alone.
        var (_, tlsOnlyV4) = await edge.DeployWithV4Async("acme-tls-only", GatewayConfigs.Tcp(7450, "\"tls\""), ("ams", instance.Address));
        await PublishChallengesAsync(edge, "acme-web", new AcmeChallengeRoute("www.acme-web.test", AcmeChallengeType.Http01, "tok-web", "tok-web.thumbprint", null, null));
        await PublishChallengesAsync(edge, "acme-tls-only", new AcmeChallengeRoute("tls-only.acme.test", AcmeChallengeType.Http01, "tok-tls-only", "tok-tls-only.thumbprint", null, null));
        await edge.StartGatewayAsync();
        await edge.SyncedAsync();

        // force_https is on for this routable name, yet the challenge is answered in plain HTTP.
        Assert.StartsWith("HTTP/1.1 301", (await Curl($"http://{shared}/", "-H", "Host: www.acme-web.test")).Stdout);
        var answer = await Curl($"http://{shared}/.well-known/acme-challenge/tok-web", "-H", "Host: www.acme-web.test");
        Assert.StartsWith("HTTP/1.1 200", answer.Stdout);
        Assert.Contains("Content-Type: text/plain", answer.Stdout);
        Assert.Equal("tok-web.thumbprint", Body(answer.Stdout));
        // A Host that routes nowhere (the name is being validated before it routes).
        var unrouted = await Curl($"http://{shared}/.well-known/acme-challenge/tok-web", "-H", "Host: not-yet.acme.test");
        Assert.Equal("tok-web.thumbprint", Body(unrouted.Stdout));
        var dedicated = await Curl($"http://{tlsOnlyV4}/.well-known/acme-challenge/tok-tls-only", "-H", "Host: tls-only.acme.test");
        Assert.StartsWith("HTTP/1.1 200", dedicated.Stdout);
        Assert.Equal("tok-tls-only.thumbprint", Body(dedicated.Stdout));

        var unknown = await Curl($"http://{shared}/.well-known/acme-challenge/no-such-token", "-H", "Host: www.acme-web.test");
        Assert.StartsWith("HTTP/1.1 404", unknown.Stdout);
        Assert.True(instance.FirstBytes.IsEmpty, "a challenge request reached the app");
    }

    [Fact]
    public async Task Tls_alpn01_gets_the_challenge_certificate_then_a_close_and_unknown_names_get_unrecognized_name()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var instance = new TestApp();
        var (web, shared) = await DeploySharedAsync(edge, "acme-alpn", instance);
        await web.AddCertificateSkippingOwnershipCheck("routed.acme.test", null, null);
        await PublishChallengesAsync(edge, "acme-alpn", new AcmeChallengeRoute("alpn.acme.test", AcmeChallengeType.TlsAlpn01, "tok-alpn", "tok-alpn.thumbprint", null, null));
        await edge.StartGatewayAsync();
        await edge.SyncedAsync();

        // -ign_eof: s_client ends only when the gateway closes the connection after the handshake.
        var validation = await Tool.SClientAsync(shared, 443, "-servername", "alpn.acme.test", "-alpn", AcmeChallengeType.AlpnProtocol);
        Assert.Contains("ALPN protocol: acme-tls/1", validation.Stdout);
        var text = await Tool.RunAsync("openssl", ["x509", "-noout", "-text"], stdin: FirstPem(validation.Stdout));
        Assert.Contains("DNS:alpn.acme.test", text.Stdout);
        Assert.Contains("1.3.6.1.5.5.7.1.31: critical", text.Stdout);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes("tok-alpn.thumbprint"));
        // x509 -text prints an unknown extension's bytes raw; asn1parse dumps its OCTET STRING in hex.
        var asn1 = await Tool.RunAsync("openssl", ["asn1parse"], stdin: FirstPem(validation.Stdout));
        Assert.Contains("[HEX DUMP]:0420" + Convert.ToHexString(digest), asn1.Stdout);
        Assert.True(instance.FirstBytes.IsEmpty, "the validation connection reached the app");

        // The same name without acme-tls/1 has no certificate: an alert, not a bare close.
        var plain = await Tool.SClientAsync(shared, 443, "-servername", "alpn.acme.test");
        Assert.Contains("alert number 112", plain.Stdout + plain.Stderr);
        var unknown = await Tool.SClientAsync(shared, 443, "-servername", "nobody.acme.test");
        Assert.Contains("unrecognized name", unknown.Stdout + unknown.Stderr);
        Assert.NotEqual(0, unknown.ExitCode);
        // The routed name still gets its own certificate.
        Assert.Contains("CN = routed.acme.test", (await Tool.RunAsync("openssl", ["s_client", "-connect", $"{shared}:443", "-servername", "routed.acme.test"], stdin: "")).Stdout);
    }

    [Fact]
    public async Task A_certificate_naming_an_ocsp_responder_is_stapled()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = new TestApp(banner: "stapled", closeAfterBanner: true);
        await using var responder = await OcspResponder.StartAsync("ocsp.acme.test");
        var (app, v4) = await edge.DeployWithV4Async("acme-ocsp", GatewayConfigs.Tcp(7451, "\"tls\""), ("ams", echo.Address));
        await app.AddCertificateSkippingOwnershipCheck("ocsp.acme.test", responder.ChainPem, responder.KeyPem);
        await edge.StartGatewayAsync();

        var stapled = await Eventually.Succeeds(async () =>
        {
            var r = await Tool.SClientAsync(v4, 7451, "-servername", "ocsp.acme.test", "-status", "-CAfile", responder.RootFile);
            return r.Stdout.Contains("OCSP Response Status: successful", StringComparison.Ordinal) ? r : throw new TimeoutException("no staple yet:\n" + r.Stdout + "\nresponder:\n" + responder.Output);
        }, TimeSpan.FromSeconds(60));
        Assert.Contains("Cert Status: good", stapled.Stdout);
        Assert.Contains("Verify return code: 0 (ok)", stapled.Stdout);
        Assert.Contains("stapled", stapled.Stdout);
    }

    [Fact]
    public async Task A_renewed_certificate_serves_new_handshakes_while_open_connections_stay()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = new TestApp();
        var (app, v4) = await edge.DeployWithV4Async("acme-renew", GatewayConfigs.Tcp(7452, "\"tls\""), ("ams", echo.Address));
        var first = TestCertificates.For("renew.acme.test");
        await app.AddCertificateSkippingOwnershipCheck("renew.acme.test", first.ChainPem, first.KeyPem);
        await edge.StartGatewayAsync();

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(v4, 7452);
        await using var open = new SslStream(tcp.GetStream());
        await open.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "renew.acme.test",
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        var firstThumbprint = X509Certificate2.CreateFromPem(first.ChainPem).Thumbprint;
        Assert.Equal(firstThumbprint, open.RemoteCertificate!.GetCertHashString());

        var renewed = TestCertificates.For("renew.acme.test");
        await app.AddCertificateSkippingOwnershipCheck("renew.acme.test", renewed.ChainPem, renewed.KeyPem);
        await edge.SyncedAsync();
        var now = await Tool.RunAsync("openssl", ["s_client", "-connect", $"{v4}:7452", "-servername", "renew.acme.test"], stdin: "");
        using var served = X509Certificate2.CreateFromPem(FirstPem(now.Stdout));
        Assert.Equal(X509Certificate2.CreateFromPem(renewed.ChainPem).Thumbprint, served.Thumbprint);

        // The connection made before the renewal still works, on the old certificate.
        await open.WriteAsync("still here\n"u8.ToArray());
        var buffer = new byte[64];
        var read = await open.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("still here\n", Encoding.ASCII.GetString(buffer, 0, read));
        Assert.Equal(firstThumbprint, open.RemoteCertificate!.GetCertHashString());
    }
}
