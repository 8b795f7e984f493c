using Mesh.Interfaces;
using Orleans.Core.Internal;

namespace Mesh.Tests.Grains;

/// <summary>
/// An app created while the route table rebuilds keeps its catalogue entry: the rebuild's
/// reconciliation must not take a create half way for an app whose state was lost.
/// </summary>
public sealed class CreateDuringRebuildTests(CreateDuringRebuildCluster fixture) : IClassFixture<CreateDuringRebuildCluster>
{
    [Fact]
    public async Task An_app_created_while_the_route_table_rebuilds_stays_in_the_catalogue()
    {
        var name = "half-" + Guid.NewGuid().ToString("N")[..10];
        var routes = fixture.Client.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global);
        CreateDuringRebuildCluster.HeldApp = name;

        var create = fixture.Client.GetGrain<IAppGrain>(name).Create("personal");
        await CreateDuringRebuildCluster.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The table rebuilds now: it finds the app in the catalogue, without state yet.
        await routes.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var rebuilt = await routes.GetSnapshot();
        Assert.DoesNotContain(rebuilt.Apps, a => a.App == name);

        CreateDuringRebuildCluster.Release.TrySetResult();
        await create.WaitAsync(TimeSpan.FromSeconds(30));

        var catalogue = await fixture.Client.GetGrain<IAppCatalogGrain>(IAppCatalogGrain.Global).List(null);
        Assert.Contains(catalogue, a => a.Name == name);
        Assert.Contains((await routes.GetSnapshot()).Apps, a => a.App == name);
        Assert.NotNull(await fixture.Client.GetGrain<IAppGrain>(name).GetInfo());
    }
}
