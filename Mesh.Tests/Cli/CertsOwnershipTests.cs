using System.Diagnostics;
using System.Text.Json;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mesh.Tests.Cli;

/// <summary>
/// <c>mesh certs</c> with the ownership check against a real DNS server (pebble-challtestsrv as
/// <c>Mesh:Acme:Resolver</c>) and a real gateway: a hostname whose DNS points elsewhere is listed
/// but not routed and says why; pointing the record at the app makes it ready and routed.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class CertsOwnershipTests(ITestOutputHelper output)
{
    private const string Toml = "app = \"shop\"\n[http_service]\n  internal_port = 8080\n";

    // Short backoff steps so that the automatic re-check runs within the test.
    private static Dictionary<string, string> Settings(ChallTestServer dns) => new()
    {
        ["Mesh__Acme__Resolver"] = dns.DnsAddress,
        ["Mesh__Certificates__FirstRetry"] = "00:00:00.200",
        ["Mesh__Certificates__MaxRetry"] = "00:00:01",
    };

    private static async Task<JsonElement> ShowAsync(MeshCli mesh, string host, string app) =>
        JsonDocument.Parse(await mesh.OkAsync("certs", "show", host, "-a", app, "--json")).RootElement.Clone();

    [Fact]
    public async Task A_hostname_routes_once_its_dns_points_at_the_app()
    {
        await using var dns = await ChallTestServer.StartAsync();
        await using var edge = await EmbeddedEdge.StartAsync(env: Settings(dns));
        await using var web = await HttpEchoApp.StartAsync("shop-1");
        var mesh = MeshCli.ForDataDir(edge.DataDir);
        var toml = Path.Combine(edge.DataDir, "fly.toml");
        await File.WriteAllTextAsync(toml, Toml);
        await mesh.OkAsync("apps", "create", "shop");
        await mesh.OkAsync("deploy", "-a", "shop", "-c", toml);
        await mesh.OkAsync("instances", "add", "-a", "shop", "--region", "ams", "--address", web.Address);
        var v6 = JsonDocument.Parse(await mesh.OkAsync("ips", "list", "-a", "shop", "--json")).RootElement.EnumerateArray()
            .Single(i => i.GetProperty("kind").GetString() == "v6").GetProperty("address").GetString()!;
        var gateway = await edge.StartGatewayAsync();
        const string host = "www.shop.test";
        await dns.AddAAsync(host, "10.9.9.9");

        var added = await mesh.OkAsync("certs", "add", host, "-a", "shop");
        Assert.Contains($"A      {host}  {edge.SharedV4}", added);
        Assert.Contains($"AAAA   {host}  {v6}", added);
        Assert.Contains($"mesh certs check {host} -a shop", added);

        // DNS elsewhere: listed, not routed, and show says what the resolver sees.
        var waiting = await Eventually.Until(() => ShowAsync(mesh, host, "shop"),
            s => s.GetProperty("lastError").ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(30));
        Assert.Equal("awaiting_dns", waiting.GetProperty("status").GetString());
        Assert.Contains("resolves to 10.9.9.9, not to app shop", waiting.GetProperty("lastError").GetString());
        Assert.Equal("10.9.9.9", waiting.GetProperty("dnsSeen").GetProperty("a")[0].GetString());
        Assert.Equal(JsonValueKind.String, waiting.GetProperty("nextAttempt").ValueKind);
        Assert.Contains("awaiting_dns", await mesh.OkAsync("certs", "list", "-a", "shop"));
        await edge.SyncedAsync();
        var refused = await Tool.RunAsync("curl", ["-sk", "--max-time", "5", "--resolve", $"{host}:443:{edge.SharedV4}", $"https://{host}/"]);
        Assert.NotEqual(0, refused.ExitCode);

        // Pointing the record at the app: the next check (automatic, or `certs check` now) makes it ready.
        await dns.ClearAAsync(host);
        await dns.AddAAsync(host, edge.SharedV4);
        var clock = Stopwatch.StartNew();
        var checkedNow = await mesh.OkAsync("certs", "check", host, "-a", "shop");
        Assert.DoesNotContain("awaiting_dns", checkedNow);
        var ready = await Eventually.Until(() => ShowAsync(mesh, host, "shop"),
            s => s.GetProperty("status").GetString() == "ready", TimeSpan.FromSeconds(30));
        output.WriteLine($"DNS correct -> ready in {clock.ElapsedMilliseconds} ms");
        Assert.True(ready.GetProperty("ownershipVerified").GetBoolean());
        Assert.Equal("self-signed", ready.GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, ready.GetProperty("lastError").ValueKind);
        Assert.Equal(host, ready.GetProperty("sans")[0].GetString());
        var show = await mesh.OkAsync("certs", "show", host, "-a", "shop");
        Assert.Contains($"DNS seen now        A {edge.SharedV4}", show);
        var list = await mesh.OkAsync("certs", "list", "-a", "shop");
        Assert.Contains("STATUS", list);
        Assert.Contains("EXPIRES", list);
        Assert.Contains("ready", list);

        await edge.SyncedAsync();
        var routed = await Tool.RunAsync("curl", ["-sk", "--max-time", "5", "--resolve", $"{host}:443:{edge.SharedV4}", $"https://{host}/"]);
        Assert.True(routed.ExitCode == 0, routed.Stderr);
        Assert.Contains("shop-1", routed.Stdout);
        Assert.False(gateway.Process.HasExited);
    }

    [Fact]
    public async Task Only_the_operator_skips_the_check_and_no_org_claims_a_name_under_another_orgs_wildcard()
    {
        await using var dns = await ChallTestServer.StartAsync();
        await using var edge = await EmbeddedEdge.StartAsync(env: Settings(dns));
        var op = MeshCli.ForDataDir(edge.DataDir);
        var toml = Path.Combine(edge.DataDir, "fly.toml");
        await File.WriteAllTextAsync(toml, Toml);
        await op.OkAsync("orgs", "create", "alpha");
        await op.OkAsync("orgs", "create", "beta");
        var alpha = op.WithToken(await TokenAsync(op, "alpha"));
        var beta = op.WithToken(await TokenAsync(op, "beta"));
        await alpha.OkAsync("apps", "create", "alpha-web");
        await alpha.OkAsync("deploy", "-a", "alpha-web", "-c", toml);
        await beta.OkAsync("apps", "create", "beta-web");
        await beta.OkAsync("deploy", "-a", "beta-web", "-c", toml);

        var forbidden = await alpha.FailsAsync("certs", "add", "x.alpha.test", "-a", "alpha-web", "--skip-ownership-check");
        Assert.Contains("operator", forbidden);
        Assert.Empty(JsonDocument.Parse(await alpha.OkAsync("certs", "list", "-a", "alpha-web", "--json")).RootElement.EnumerateArray());

        // The operator vouches for alpha's wildcard (imported, as wildcards need a PEM pair).
        var pki = TestCertificates.For("*.alpha.test");
        var cert = Path.Combine(edge.DataDir, "wild.crt");
        var key = Path.Combine(edge.DataDir, "wild.key");
        await File.WriteAllTextAsync(cert, pki.ChainPem);
        await File.WriteAllTextAsync(key, pki.KeyPem);
        var vouched = await op.OkAsync("certs", "add", "*.alpha.test", "-a", "alpha-web", "--cert", cert, "--key", key, "--skip-ownership-check");
        Assert.DoesNotContain("Create these records", vouched);
        await Eventually.Until(() => ShowAsync(op, "*.alpha.test", "alpha-web"),
            s => s.GetProperty("status").GetString() == "ready", TimeSpan.FromSeconds(30));

        // Even with DNS pointing at beta's app, beta cannot take a name under it.
        await dns.AddAAsync("www.alpha.test", "127.0.0.9");
        var taken = await beta.FailsAsync("certs", "add", "www.alpha.test", "-a", "beta-web");
        Assert.Contains("covered by *.alpha.test", taken);
        var wider = await beta.FailsAsync("certs", "add", "*.alpha.test", "-a", "beta-web", "--cert", cert, "--key", key);
        Assert.Contains("already used by another app", wider);
        Assert.Empty(JsonDocument.Parse(await beta.OkAsync("certs", "list", "-a", "beta-web", "--json")).RootElement.EnumerateArray());
        // Alpha's own apps may use names under it.
        await alpha.OkAsync("certs", "add", "www.alpha.test", "-a", "alpha-web");
    }

    private static async Task<string> TokenAsync(MeshCli op, string org) =>
        JsonDocument.Parse(await op.OkAsync("tokens", "create", "--org", org, "--json")).RootElement.GetProperty("token").GetString()!;
}
