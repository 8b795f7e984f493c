using System.Text.Json;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Cli;

/// <summary>
/// Two orgs through the real CLI with their own tokens (one in MESH_API_TOKEN, one in --token):
/// each sees only its apps, the other org's apps are "not found" exactly like apps that do not
/// exist, a deploy token reaches its one app, and a revoked token stops working at once.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class CliTenancyTests
{
    private static readonly Dictionary<string, string> Pool = new()
    {
        ["Mesh__IpPool__DedicatedV4"] = "127.82.0.0/28",
        ["Mesh__IpPool__SharedV4"] = "127.82.1.1",
    };

    private const string Toml = "app = \"x\"\n[http_service]\n  internal_port = 8080\n";

    [Fact]
    public async Task Each_org_sees_and_changes_only_its_own_apps()
    {
        using var dir = new TempDir();
        await using var silo = await SiloProcess.StartAsync("fra", dataDir: dir.Path, env: Pool);
        var toml = Path.Combine(dir.Path, "fly.toml");
        await File.WriteAllTextAsync(toml, Toml);

        var op = MeshCli.ForDataDir(dir.Path);
        Assert.Contains("acme", await op.OkAsync("orgs", "create", "acme"));
        await op.OkAsync("orgs", "create", "globex");
        var acme = op.WithToken((await NewTokenAsync(op, "--org", "acme", "--name", "ci", "--expiry", "720h")).Token);
        var globex = op.WithArgs("--token", (await NewTokenAsync(op, "--org", "globex")).Token);

        Assert.Contains("New app created: shop (org acme)", await acme.OkAsync("apps", "create", "shop"));
        await acme.OkAsync("deploy", "-a", "shop", "-c", toml);
        Assert.Contains("(org globex)", await globex.OkAsync("apps", "create", "store"));
        await globex.OkAsync("deploy", "-a", "store", "-c", toml);
        var storeIp = JsonDocument.Parse(await globex.OkAsync("ips", "list", "-a", "store", "--json")).RootElement[0].GetProperty("address").GetString()!;
        var storeInstance = JsonDocument.Parse(await globex.OkAsync("instances", "add", "-a", "store", "--region", "fra", "--address", "127.0.0.1:8081", "--json"))
            .RootElement.GetProperty("id").GetString()!;

        Assert.Equal(["shop"], await AppNamesAsync(acme));
        Assert.Equal(["store"], await AppNamesAsync(globex));
        Assert.Equal(["acme"], Names(await acme.OkAsync("orgs", "list", "--json")));
        Assert.Equal(["shop", "store"], await AppNamesAsync(op));
        var storeBefore = await DescribeAsync(globex, "store");

        // Every change acme tries on globex's app is refused exactly as for an app that does not exist.
        string[][] attempts =
        [
            ["apps", "destroy", "{app}"],
            ["deploy", "-a", "{app}", "-c", toml],
            ["ips", "list", "-a", "{app}"],
            ["ips", "release", storeIp, "-a", "{app}"],
            ["certs", "add", "{app}.example.com", "-a", "{app}"],
            ["instances", "add", "-a", "{app}", "--region", "fra", "--address", "127.0.0.1:8082"],
        ];
        foreach (var attempt in attempts)
        {
            var other = await acme.FailsAsync([.. attempt.Select(a => a.Replace("{app}", "store"))]);
            var missing = await acme.FailsAsync([.. attempt.Select(a => a.Replace("{app}", "nosuchapp"))]);
            Assert.Contains("not found", other);
            Assert.Equal(missing.Replace("nosuchapp", "APP"), other.Replace("store", "APP"));
        }
        var otherInstance = await acme.FailsAsync("instances", "stop", storeInstance);
        var missingInstance = await acme.FailsAsync("instances", "stop", "ffffffffffffff");
        Assert.Contains("not found", otherInstance);
        Assert.Equal(missingInstance.Replace("ffffffffffffff", "ID"), otherInstance.Replace(storeInstance, "ID"));
        Assert.Equal(storeBefore, await DescribeAsync(globex, "store"));

        // A deploy token: its one app, nothing else.
        await acme.OkAsync("apps", "create", "shop2");
        var (deployId, deployToken) = await NewTokenAsync(acme, "--app", "shop", "--name", "ci-shop");
        var deployer = op.WithToken(deployToken);
        Assert.Contains("Release v2 of shop", await deployer.OkAsync("deploy", "-a", "shop", "-c", toml));
        Assert.Contains("not found", await deployer.FailsAsync("deploy", "-a", "shop2", "-c", toml));
        Assert.Contains("not found", await deployer.FailsAsync("deploy", "-a", "store", "-c", toml));
        await deployer.FailsAsync("apps", "create", "sneaky");

        // Revoked: refused on the very next call.
        var tokens = JsonDocument.Parse(await acme.OkAsync("tokens", "list", "--json")).RootElement.EnumerateArray().ToList();
        Assert.Contains(tokens, t => t.GetProperty("id").GetString() == deployId && t.GetProperty("app").GetString() == "shop");
        Assert.Contains(tokens, t => t.GetProperty("name").GetString() == "ci" && t.GetProperty("expiresAt").ValueKind == JsonValueKind.String);
        Assert.DoesNotContain("mesh_", string.Join("", tokens.Select(t => t.GetRawText())));
        Assert.Contains($"Revoked token {deployId}", await acme.OkAsync("tokens", "revoke", deployId));
        await deployer.FailsAsync("deploy", "-a", "shop", "-c", toml);
        Assert.Equal(["shop", "shop2"], await AppNamesAsync(acme));
    }

    /// <summary>Creates one token with the human output (checked) and one with --json (returned).</summary>
    private static async Task<(string Id, string Token)> NewTokenAsync(MeshCli mesh, params string[] args)
    {
        var human = await mesh.OkAsync(["tokens", "create", .. args]);
        Assert.StartsWith("mesh_", human);
        Assert.Contains("will not be shown again", human);
        using var created = JsonDocument.Parse(await mesh.OkAsync(["tokens", "create", .. args, "--json"]));
        var token = created.RootElement.GetProperty("token").GetString()!;
        Assert.StartsWith("mesh_", token);
        var id = created.RootElement.GetProperty("id").GetString()!;
        Assert.Contains(id, token);
        return (id, token);
    }

    private static async Task<string[]> AppNamesAsync(MeshCli mesh) => Names(await mesh.OkAsync("apps", "list", "--json"));

    private static string[] Names(string json) =>
        [.. JsonDocument.Parse(json).RootElement.EnumerateArray().Select(a => a.GetProperty("name").GetString()!).Order()];

    private static async Task<string> DescribeAsync(MeshCli mesh, string app) => string.Join("\n",
        await mesh.OkAsync("apps", "list", "--json"),
        await mesh.OkAsync("ips", "list", "-a", app, "--json"),
        await mesh.OkAsync("certs", "list", "-a", app, "--json"),
        await mesh.OkAsync("instances", "list", "-a", app, "--json"));
}
