using System.Net;
using System.Text;
using Mesh.Gateway.Routing;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.State;

/// <summary>A gateway keeps its last good table, sealed, and serves it when started while the cluster is down.</summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class GatewayLastGoodTableTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task A_gateway_restarted_with_the_cluster_down_serves_its_last_table()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("web-1");
        var (app, v4) = await edge.DeployWithV4Async("web", "[http_service]\n  internal_port = 8080\n", ("ams", echo.Address));
        await app.AddCertificateSkippingOwnershipCheck("web.example.test", null, null);
        var gateway = await edge.StartGatewayAsync();
        await edge.SyncedAsync();
        var version = await gateway.TableVersionAsync();
        var sealedFile = Path.Combine(edge.DataDir, "gateway", "ams", LastGoodTableStore.TableFile);
        await Eventually.Succeeds(() => Task.FromResult(File.Exists(sealedFile) ? true : throw new TimeoutException("not saved yet")), TimeSpan.FromSeconds(20));

        await edge.KillSiloAsync();
        await edge.StopGatewayAsync(gateway);
        var restarted = await edge.StartGatewayAsync();

        Assert.Contains($"table={version} source=disk", restarted.ReadyLine);
        var r = await Tool.RunAsync("curl", ["-s", "--max-time", "20", $"http://{v4}/"]);
        Assert.Contains("instance=web-1", r.Stdout);
        var tls = await Tool.RunAsync("curl", ["-s", "-k", "--max-time", "20", "--resolve", $"web.example.test:443:{v4}", "https://web.example.test/"]);
        Assert.Contains("instance=web-1", tls.Stdout);

        var stored = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(sealedFile));
        Assert.DoesNotContain("PRIVATE KEY", stored);
        Assert.DoesNotContain("web.example.test", stored);
    }

    [Fact]
    public async Task The_status_endpoint_takes_the_admin_token_when_one_is_set()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        var gateway = await edge.StartGatewayAsync("ams", "--Mesh:Gateway:AdminToken", "admin-secret-1");

        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.GetAsync(gateway.Admin + "/status")).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, gateway.Admin + "/status") { Headers = { Authorization = new("Bearer", "admin-secret-2") } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.SendAsync(wrong)).StatusCode);
        Assert.True((await gateway.StatusAsync()).GetProperty("ready").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(gateway.Admin + "/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(gateway.Admin + "/healthz")).StatusCode);
        Assert.DoesNotContain("admin-secret-1", gateway.Process.Output);
    }
}
