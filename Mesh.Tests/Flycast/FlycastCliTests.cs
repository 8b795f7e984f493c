using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mesh.Domain.Apps;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Flycast;

/// <summary>
/// <c>mesh ips allocate-v6 --private [--org ORG]</c> against a real embedded silo: an address in
/// the org's private network, listed as private ingress, one per network, released like any
/// other; another org's network only for a caller who may act in it; no instance may sit there.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class FlycastCliTests
{
    private static readonly Dictionary<string, string> Pool = new()
    {
        ["Mesh__IpPool__DedicatedV4"] = "127.83.0.0/28",
        ["Mesh__IpPool__SharedV4"] = "127.83.1.1",
    };

    private static bool InRange(string address, string org) =>
        IPNetwork.Parse(PrivateAddresses.FlycastPrefix(org)).Contains(IPAddress.Parse(address));

    [Fact]
    public async Task Private_addresses_are_allocated_listed_and_released_per_network()
    {
        using var dir = new TempDir();
        await using var silo = await SiloProcess.StartAsync("fra", dataDir: dir.Path, env: Pool);
        var toml = Path.Combine(dir.Path, "fly.toml");
        await File.WriteAllTextAsync(toml, "[http_service]\n  internal_port = 8080\n");
        var op = MeshCli.ForDataDir(dir.Path);
        await op.OkAsync("orgs", "create", "acme");
        await op.OkAsync("orgs", "create", "globex");
        using var token = JsonDocument.Parse(await op.OkAsync("tokens", "create", "--org", "acme", "--json"));
        var acme = op.WithToken(token.RootElement.GetProperty("token").GetString()!);
        await acme.OkAsync("apps", "create", "shop");
        await acme.OkAsync("deploy", "-a", "shop", "-c", toml);

        var human = await acme.OkAsync("ips", "allocate-v6", "--private", "-a", "shop");
        var address = human.Split(' ')[4];
        Assert.Equal($"Allocated private ingress address {address} to shop in org acme's private network (shop.flycast)", human.Trim());
        Assert.True(InRange(address, "acme"), address);
        Assert.Contains("already has the private address", await acme.FailsAsync("ips", "allocate-v6", "--private", "-a", "shop"));

        var rows = (await acme.OkAsync("ips", "list", "-a", "shop")).Split('\n');
        Assert.Contains(rows, r => r.StartsWith("v6 ", StringComparison.Ordinal) && r.Contains(address, StringComparison.Ordinal) && r.Contains("private ingress", StringComparison.Ordinal));
        using (var listed = JsonDocument.Parse(await acme.OkAsync("ips", "list", "-a", "shop", "--json")))
        {
            var ip = listed.RootElement.EnumerateArray().Single(i => i.GetProperty("address").GetString() == address);
            Assert.Equal("privateV6", ip.GetProperty("kind").GetString());
            Assert.Equal("acme", ip.GetProperty("network").GetString());
            Assert.Equal(0m, ip.GetProperty("monthlyPriceUsd").GetDecimal());
            // Public addresses name no network.
            Assert.Contains(listed.RootElement.EnumerateArray(), i => i.GetProperty("kind").GetString() == "v6" && i.GetProperty("network").ValueKind == JsonValueKind.Null);
        }

        // Another org's network: an org token cannot name one (it does not exist for it); the operator can.
        Assert.Contains("org 'globex' not found", await acme.FailsAsync("ips", "allocate-v6", "--private", "-a", "shop", "--org", "globex"));
        Assert.Contains("org 'nosuch' not found", await op.FailsAsync("ips", "allocate-v6", "--private", "-a", "shop", "--org", "nosuch"));
        Assert.Contains("--org applies only with --private", await op.FailsAsync("ips", "allocate-v6", "-a", "shop", "--org", "globex"));
        using (var exposed = JsonDocument.Parse(await op.OkAsync("ips", "allocate-v6", "--private", "-a", "shop", "--org", "globex", "--json")))
        {
            Assert.True(InRange(exposed.RootElement.GetProperty("address").GetString()!, "globex"));
            Assert.Equal("globex", exposed.RootElement.GetProperty("network").GetString());
        }

        // The tenant API says the same to a client of its own.
        using (var http = new HttpClient())
        {
            var url = MeshCli.ApiUrlOf(silo.ReadyLine);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.RootElement.GetProperty("token").GetString());
            var wrongKind = await http.PostAsync($"{url}/v1/apps/shop/ips", new StringContent("""{"kind":"v6","org":"acme"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, wrongKind.StatusCode);
            Assert.Contains("private_v6", await wrongKind.Content.ReadAsStringAsync());
        }

        // No instance may be registered at a Flycast address, not even in its own org.
        Assert.Contains("Flycast", await acme.FailsAsync("instances", "add", "-a", "shop", "--region", "fra", "--address", $"[{address}]:8080"));

        Assert.Contains($"Released {address} from shop", await acme.OkAsync("ips", "release", address, "-a", "shop"));
        Assert.DoesNotContain(address, await acme.OkAsync("ips", "list", "-a", "shop"));
        var again = (await acme.OkAsync("ips", "allocate-v6", "--private", "-a", "shop")).Split(' ')[4];
        Assert.True(InRange(again, "acme"));
        Assert.NotEqual(address, again);
    }
}
