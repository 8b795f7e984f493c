using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Http1;

/// <summary>
/// How many connections an app sees (fly-reference §1D): with <c>[services.concurrency] type =
/// "requests"</c> the gateway keeps upstream connections alive and reuses them across clients;
/// with the default, "connections", every request gets an upstream connection of its own.
/// </summary>
[Collection(Http1Gateway.Collection)]
public sealed class UpstreamKeepAliveTests(Http1Gateway gateway)
{
    private const int Requests = 5;

    /// <summary>Sequential requests, each from its own curl and so its own client connection; returns how many connections the app accepted meanwhile.</summary>
    private static async Task<int> AcceptedDuring(ScriptedHttp1App app, string v4)
    {
        var before = app.Accepted;
        for (var i = 0; i < Requests; i++)
        {
            var r = await Tool.RunAsync("curl", ["-s", "--max-time", "20", $"http://{v4}/seq/{i}"]);
            Assert.StartsWith($"GET /seq/{i}\n", r.Stdout);
        }
        return app.Accepted - before;
    }

    [Fact]
    public async Task Concurrency_by_requests_reuses_upstream_connections_across_client_connections()
    {
        var accepted = await AcceptedDuring(gateway.PooledApp, gateway.PooledV4);
        Assert.True(accepted < Requests, $"{Requests} requests opened {accepted} app connections");
    }

    [Fact]
    public async Task Concurrency_by_connections_gives_every_request_its_own_upstream_connection()
    {
        Assert.Equal(Requests, await AcceptedDuring(gateway.App, gateway.V4));
    }

    [Fact]
    public async Task Requests_on_one_kept_alive_client_connection_share_pooled_upstream_connections()
    {
        await using var client = await Http1Client.ConnectAsync(gateway.PooledV4);
        var before = gateway.PooledApp.Accepted;
        for (var i = 0; i < Requests; i++)
        {
            await client.SendAsync($"GET /same/{i} HTTP/1.1\r\nHost: app.test\r\n\r\n");
            Assert.StartsWith($"GET /same/{i}\n", (await client.ReadResponseAsync()).BodyText);
        }
        Assert.True(gateway.PooledApp.Accepted - before < Requests);
    }
}
