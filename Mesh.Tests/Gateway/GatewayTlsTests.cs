using System.Net.Sockets;
using System.Text;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Gateway;

/// <summary>The tls handler through a real gateway, checked with openssl s_client and curl.</summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class GatewayTlsTests
{
    private static async Task<(IAppGrain App, string Address)> DeployAsync(EmbeddedEdge edge, string name, string config, TestApp instance, IpKind kind = IpKind.V4)
    {
        var app = edge.Grains.GetGrain<IAppGrain>(name);
        await app.Create("personal");
        await app.Deploy(config);
        var ip = await app.AllocateIp(kind);
        await app.AddInstance(new InstanceRegistration("ams", instance.Address, []));
        return (app, ip.Address);
    }

    [Fact]
    public async Task Sni_selects_the_app_certificate_with_its_chain_and_unknown_names_fail()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = new TestApp(banner: "tls-app", closeAfterBanner: true);
        var (app, address) = await DeployAsync(edge, "tlsapp", GatewayConfigs.Tcp(7443, "\"tls\""), echo);
        var pki = TestCertificates.For("secure.example.test");
        await app.AddCertificateSkippingOwnershipCheck("secure.example.test", pki.ChainPem, pki.KeyPem);
        var gateway = await edge.StartGatewayAsync();
        using var dir = new TempDir();
        var rootFile = Path.Combine(dir.Path, "root.pem");
        await File.WriteAllTextAsync(rootFile, pki.RootPem);

        var ok = await Tool.SClientAsync(address, 7443, "-servername", "secure.example.test", "-CAfile", rootFile, "-verify_return_error");
        Assert.Contains("CN = secure.example.test", ok.Stdout);
        // Code 0 only when the intermediate was sent along with the leaf.
        Assert.Contains("Verify return code: 0 (ok)", ok.Stdout);
        Assert.Contains("tls-app", ok.Stdout);

        var before = await gateway.CounterAsync("error.tls_handshake");
        var unknown = await Tool.SClientAsync(address, 7443, "-servername", "nobody.example.test");
        Assert.DoesNotContain("CN = secure.example.test", unknown.Stdout);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.True(await gateway.CounterAsync("error.tls_handshake") > before);
        Assert.True(await gateway.CounterAsync("error.unknown_sni") >= 1);
    }

    [Fact]
    public async Task Default_self_signed_answers_unknown_names_and_versions_are_enforced()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = new TestApp(banner: "lenient", closeAfterBanner: true);
        var config = GatewayConfigs.Tcp(7444, "\"tls\"") + "\n    [services.ports.tls_options]\n      default_self_signed = true\n      versions = [\"TLSv1.3\"]\n      alpn = [\"mqtt\"]";
        var (_, address) = await DeployAsync(edge, "lenient", config, echo);
        await edge.StartGatewayAsync();

        var any = await Tool.SClientAsync(address, 7444, "-servername", "whatever.example.test", "-alpn", "mqtt");
        Assert.Contains("CN = whatever.example.test", any.Stdout);
        Assert.Contains("ALPN protocol: mqtt", any.Stdout);
        Assert.Contains("TLSv1.3", any.Stdout);
        var old = await Tool.SClientAsync(address, 7444, "-servername", "whatever.example.test", "-tls1_2");
        Assert.NotEqual(0, old.ExitCode);
    }

    [Fact]
    public async Task Client_choosing_h2_reaches_the_app_as_h2c()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var app = new TestApp();
        var (grain, address) = await DeployAsync(edge, "h2app", GatewayConfigs.Tcp(7445, "\"tls\""), app);
        await grain.AddCertificateSkippingOwnershipCheck("h2.example.test", null, null);
        await edge.StartGatewayAsync();

        var first = app.NextFirstBytes.Task;
        // The echo app answers nonsense to curl, which fails; what matters is what the app received.
        await Tool.RunAsync("curl", ["-sk", "--http2", "--max-time", "5", "--resolve", $"h2.example.test:7445:{address}", "https://h2.example.test:7445/"]);
        var bytes = await first.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.StartsWith("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public async Task Shared_address_picks_each_app_certificate_by_sni_on_443()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        // The shared IPv4 serves only tls+http on 443 (and http on 80): TLS ends at the gateway with the app's certificate.
        var config = "[[services]]\n  internal_port = 7446\n  [[services.ports]]\n    port = 443\n    handlers = [\"tls\", \"http\"]\n";
        var shared = new List<string>();
        foreach (var name in new[] { "one", "two" })
        {
            var app = edge.Grains.GetGrain<IAppGrain>($"shared-{name}");
            await app.Create("personal");
            shared.Add((await app.Deploy(config)).NewIps.Single(i => i.Kind == IpKind.SharedV4).Address);
            await app.AddCertificateSkippingOwnershipCheck($"{name}.example.test", null, null);
        }
        Assert.Equal(shared[0], shared[1]);
        await edge.StartGatewayAsync();

        // Without -ign_eof: s_client leaves after the handshake instead of waiting on the HTTP server.
        var r1 = await Tool.RunAsync("openssl", ["s_client", "-connect", $"{shared[0]}:443", "-servername", "one.example.test"], stdin: "");
        var r2 = await Tool.RunAsync("openssl", ["s_client", "-connect", $"{shared[0]}:443", "-servername", "two.example.test"], stdin: "");
        Assert.Contains("CN = one.example.test", r1.Stdout);
        Assert.Contains("CN = two.example.test", r2.Stdout);
    }

    [Fact]
    public async Task Garbage_and_silent_clients_close_only_their_connection()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = new TestApp(banner: "alive", closeAfterBanner: true);
        var (app, address) = await DeployAsync(edge, "garbage", GatewayConfigs.Tcp(7447, "\"tls\""), echo);
        await app.AddCertificateSkippingOwnershipCheck("garbage.example.test", null, null);
        var gateway = await edge.StartGatewayAsync();

        using (var junk = await Wire.ConnectAsync(address, 7447))
        {
            await junk.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n" + new string('\0', 512)));
            Assert.Equal("", await Wire.ReadToEndAsync(junk));
        }
        // A client that connects and says nothing does not hold up anyone else.
        using var silent = await Wire.ConnectAsync(address, 7447);
        var ok = await Tool.SClientAsync(address, 7447, "-servername", "garbage.example.test");
        Assert.Contains("alive", ok.Stdout);
        Assert.True(await gateway.CounterAsync("error.tls_handshake") >= 1);
    }
}
