using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Boundary;

/// <summary>
/// The shared IPv4 through a real gateway: apps named to sort first, whose configs put raw TCP,
/// <c>tls</c> alone or <c>proxy_proto</c> on 80 and 443, do not change what it serves to the others.
/// </summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class SharedV4HandlerTests
{
    private static Task<CliResult> Curl(params string[] args) => Tool.RunAsync("curl", ["-s", "-i", "--max-time", "20", .. args]);

    private static string Ports(int internalPort, string handlers80, string handlers443) =>
        $"[[services]]\n  internal_port = {internalPort}\n"
        + $"  [[services.ports]]\n    port = 80\n    handlers = [{handlers80}]\n"
        + $"  [[services.ports]]\n    port = 443\n    handlers = [{handlers443}]\n";

    [Fact]
    public async Task Other_handlers_on_80_and_443_do_not_change_what_the_shared_v4_serves_and_their_deploy_warns()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var evilInstance = new TestApp(banner: "evil", closeAfterBanner: true);
        var warnings = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var (name, config) in new[]
        {
            ("00evil-tcp", Ports(9000, "", "")),
            ("00evil-tls", Ports(9000, "", "\"tls\"")),
            ("00evil-pp", Ports(9000, "\"proxy_proto\"", "\"proxy_proto\", \"tls\"")),
        })
        {
            var evil = edge.Grains.GetGrain<IAppGrain>(name);
            await evil.Create("personal");
            await evil.AllocateIp(IpKind.SharedV4);
            warnings[name] = (await evil.Deploy(config)).Warnings;
            await evil.AddCertificateSkippingOwnershipCheck($"{name}.example.test", null, null);
            await evil.AddInstance(new InstanceRegistration("ams", evilInstance.Address, []));
        }
        await using var web = await HttpEchoApp.StartAsync("web-1");
        var app = edge.Grains.GetGrain<IAppGrain>("web");
        await app.Create("personal");
        var deployed = await app.Deploy("[http_service]\n  internal_port = 8080\n");
        Assert.Empty(deployed.Warnings);
        var shared = deployed.NewIps.Single(i => i.Kind == IpKind.SharedV4).Address;
        Assert.Equal(edge.SharedV4, shared);
        await app.AddCertificateSkippingOwnershipCheck("web.example.test", null, null);
        await app.AddInstance(new InstanceRegistration("ams", web.Address, []));
        await edge.StartGatewayAsync();

        var http = (await Curl($"http://{shared}/", "-H", "Host: web.example.test")).Stdout;
        Assert.StartsWith("HTTP/1.1 200", http);
        Assert.Contains("instance=web-1", http);
        Assert.Contains("Fly-Forwarded-Port: 80", http);
        Assert.Contains("X-Forwarded-Proto: http", http);
        Assert.Contains("Fly-Region: ams", http);
        Assert.Contains("Via: ", http);
        var https = (await Curl("-k", "--resolve", $"web.example.test:443:{shared}", "https://web.example.test/")).Stdout;
        Assert.StartsWith("HTTP/2 200", https);
        Assert.Contains("instance=web-1", https);
        Assert.Contains("Fly-Forwarded-Port: 443", https);
        Assert.Contains("X-Forwarded-Proto: https", https);
        Assert.Contains("Fly-Client-IP: 127.0.0.1", https);

        // The apps that asked for other handlers are not served on the shared IPv4 for those ports.
        var evilHttps = (await Curl("-k", "--resolve", $"00evil-tls.example.test:443:{shared}", "https://00evil-tls.example.test/")).Stdout;
        // No route for that name on the shared 443: the TLS handshake itself is refused.
        Assert.DoesNotContain("HTTP/", evilHttps);
        Assert.StartsWith("HTTP/1.1 404", (await Curl($"http://{shared}/", "-H", "Host: 00evil-tcp.example.test")).Stdout);
        Assert.DoesNotContain("evil", (await Curl($"http://{shared}/", "-H", "Host: 00evil-pp.example.test")).Stdout.Replace("00evil-pp", ""));
        Assert.Empty(evilInstance.FirstBytes);

        // Each of their deploys said so, naming the port and the fix.
        Assert.Contains("services: port 443 has handlers [tls]; the shared IPv4 serves only tls+http on port 443, so IPv4 clients reach this app there only at a dedicated IPv4 address (allocate one with `mesh ips allocate-v4`)",
            warnings["00evil-tls"]);
        Assert.Contains(warnings["00evil-tcp"], w => w.StartsWith("services: port 80 has handlers [] (raw TCP); the shared IPv4 serves only http on port 80", StringComparison.Ordinal));
        Assert.Contains(warnings["00evil-pp"], w => w.StartsWith("services: port 443 has handlers [proxy_proto, tls];", StringComparison.Ordinal));
        Assert.All(warnings.Values, w => Assert.Equal(2, w.Count(x => x.Contains("mesh ips allocate-v4"))));
    }
}
