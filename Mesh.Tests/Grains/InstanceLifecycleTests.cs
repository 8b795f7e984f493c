using System.Collections.Immutable;
using Mesh.Domain;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Grains;

public sealed class InstanceLifecycleTests(InProcessCluster fixture) : IClassFixture<InProcessCluster>
{
    private IRouteTableGrain Routes => fixture.Client.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global);

    private async Task<IAppGrain> NewApp(string org = "personal")
    {
        var app = fixture.Client.GetGrain<IAppGrain>("inst-" + Guid.NewGuid().ToString("N")[..10]);
        await app.Create(org);
        return app;
    }

    private async Task<InstanceRoute?> RouteOf(string id) => (await Routes.GetSnapshot()).Instances.SingleOrDefault(i => i.Id == id);

    [Fact]
    public async Task Add_stop_start_remove_are_reflected_in_the_route_table()
    {
        var app = await NewApp();
        var info = await app.AddInstance(new InstanceRegistration("fra", "127.0.0.1:8081", new Dictionary<string, string> { ["role"] = "web" }.ToImmutableDictionary()));

        Assert.Equal(14, info.Id.Length);
        Assert.Equal("fra", info.Region);
        Assert.Equal(InstanceState.Started, info.State);
        Assert.Equal("web", info.Metadata["role"]);
        Assert.True((await RouteOf(info.Id))!.IsRoutable);

        var instance = fixture.Client.GetGrain<IInstanceGrain>(info.Id);
        Assert.Equal(InstanceState.Stopped, (await instance.Stop()).State);
        Assert.Equal(InstanceState.Stopped, (await RouteOf(info.Id))!.State);
        Assert.False((await RouteOf(info.Id))!.IsRoutable);

        await instance.Start();
        Assert.True((await RouteOf(info.Id))!.IsRoutable);

        await instance.SetHealth(InstanceHealth.Critical);
        Assert.False((await RouteOf(info.Id))!.IsRoutable);
        Assert.Equal(InstanceHealth.Critical, Assert.Single(await app.ListInstances()).Health);

        await instance.Remove();
        Assert.Null(await RouteOf(info.Id));
        Assert.Empty(await app.ListInstances());
        Assert.Equal("instance_not_found", (await Assert.ThrowsAsync<MeshException>(() => instance.Stop())).Code);
    }

    [Fact]
    public async Task Private_and_outbound_addresses_are_org_scoped_and_follow_the_region()
    {
        var a = await NewApp("org-a");
        var b = await NewApp("org-b");
        var ia = await a.AddInstance(new InstanceRegistration("ams", "127.0.0.1:8082", []));
        var ia2 = await a.AddInstance(new InstanceRegistration("sin", "127.0.0.1:8083", []));
        var ib = await b.AddInstance(new InstanceRegistration("ams", "127.0.0.1:8084", []));

        Assert.StartsWith("fdaa:", ia.PrivateIp);
        Assert.Equal(ia.PrivateIp, ia.OutboundIp);
        Assert.Equal(Prefix(ia.PrivateIp), Prefix(ia2.PrivateIp));
        Assert.NotEqual(Prefix(ia.PrivateIp), Prefix(ib.PrivateIp));
        Assert.NotEqual(ia.OutboundIp, ia2.OutboundIp);

        static string Prefix(string ip) => string.Join(':', System.Net.IPAddress.Parse(ip).ToString().Split(':').Take(3));
    }

    [Fact]
    public async Task Bad_registrations_are_refused()
    {
        var app = await NewApp();
        Assert.Equal("unknown_region", (await Assert.ThrowsAsync<MeshException>(() => app.AddInstance(new InstanceRegistration("xxx", "127.0.0.1:1", [])))).Code);
        Assert.Equal("invalid_address", (await Assert.ThrowsAsync<MeshException>(() => app.AddInstance(new InstanceRegistration("ams", "localhost", [])))).Code);
        Assert.Empty(await app.ListInstances());
    }
}
