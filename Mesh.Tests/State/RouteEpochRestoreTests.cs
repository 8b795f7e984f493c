using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.State;

/// <summary>Route-table versions never go backwards, even when the stored epoch comes back from an old backup.</summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class RouteEpochRestoreTests
{
    [Fact]
    public async Task A_restored_epoch_still_gives_higher_versions_and_the_gateway_follows()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("web-1");
        await edge.DeployWithV4Async("web", "[http_service]\n  internal_port = 8080\n", ("ams", echo.Address));
        var epochFile = Path.Combine(edge.DataDir, "state", "routes", "routetable%2Fglobal.state");
        var backup = await File.ReadAllBytesAsync(epochFile);

        await edge.RestartSiloAsync();
        var gateway = await edge.StartGatewayAsync("ams", "--Mesh:Gateway:ResubscribeInterval", "00:00:01");
        var before = await edge.RouteVersionAsync();
        await gateway.WaitForVersionAsync(before);

        await edge.RestartSiloAsync(_ => File.WriteAllBytes(epochFile, backup));
        var after = await edge.RouteVersionAsync();
        Assert.True(after > before, $"version {after} after the restore is not above {before}");
        await gateway.WaitForVersionAsync(after, TimeSpan.FromSeconds(30));
        Assert.Equal(after, await gateway.TableVersionAsync());
    }
}
