using Mesh.Domain;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Grains;

/// <summary>The spec's IP rules, through the real grains on an in-process cluster.</summary>
public sealed class DeployAndIpRulesTests(InProcessCluster fixture) : IClassFixture<InProcessCluster>
{
    private async Task<IAppGrain> NewApp()
    {
        var app = fixture.Client.GetGrain<IAppGrain>("app-" + Guid.NewGuid().ToString("N")[..10]);
        await app.Create("personal");
        return app;
    }

    [Fact]
    public async Task First_deploy_of_http_service_gets_dedicated_v6_and_shared_v4()
    {
        var app = await NewApp();
        var result = await app.Deploy(Configs.Web);

        Assert.Equal(1, result.Release);
        Assert.Equal([IpKind.V6, IpKind.SharedV4], result.NewIps.Select(i => i.Kind).Order());
        Assert.Equal("127.78.0.1", result.NewIps.Single(i => i.Kind == IpKind.SharedV4).Address);
        Assert.StartsWith("fdaa:7465:7374:", result.NewIps.Single(i => i.Kind == IpKind.V6).Address);
        Assert.Equal(2, (await app.ListIps()).Length);
    }

    [Fact]
    public async Task First_deploy_of_non_web_service_gets_only_v6()
    {
        var app = await NewApp();
        var result = await app.Deploy(Configs.PostgresOnly);
        Assert.Equal([IpKind.V6], result.NewIps.Select(i => i.Kind));
    }

    [Fact]
    public async Task Deploy_without_public_services_gets_no_ips()
    {
        var app = await NewApp();
        var result = await app.Deploy(Configs.NoServices);
        Assert.Empty(result.NewIps);
        Assert.Empty(await app.ListIps());
    }

    [Fact]
    public async Task Later_deploys_do_not_allocate_again_even_after_release()
    {
        var app = await NewApp();
        var first = await app.Deploy(Configs.Web);
        foreach (var ip in first.NewIps)
        {
            await app.ReleaseIp(ip.Address);
        }
        var second = await app.Deploy(Configs.Web);
        Assert.Equal(2, second.Release);
        Assert.Empty(second.NewIps);
        Assert.Empty(await app.ListIps());
    }

    [Fact]
    public async Task Dedicated_v4_is_opt_in_and_distinct_per_app()
    {
        var a = await NewApp();
        var b = await NewApp();
        var ipA = await a.AllocateIp(IpKind.V4);
        var ipB = await b.AllocateIp(IpKind.V4);
        Assert.Equal(IpKind.V4, ipA.Kind);
        Assert.NotEqual(ipA.Address, ipB.Address);
        Assert.StartsWith("127.78.1.", ipA.Address);
    }

    [Fact]
    public async Task Shared_v4_fails_when_app_holds_dedicated_v4()
    {
        var app = await NewApp();
        await app.AllocateIp(IpKind.V4);
        var e = await Assert.ThrowsAsync<MeshException>(() => app.AllocateIp(IpKind.SharedV4));
        Assert.Equal("ip_conflict", e.Code);
        Assert.Contains("dedicated IPv4", e.Message);
    }

    [Fact]
    public async Task Shared_v4_can_be_allocated_to_app_without_public_v4()
    {
        var app = await NewApp();
        await app.Deploy(Configs.PostgresOnly);
        var shared = await app.AllocateIp(IpKind.SharedV4);
        Assert.Equal("127.78.0.1", shared.Address);
        Assert.Contains(await app.ListIps(), i => i.Kind == IpKind.SharedV4);
    }

    [Fact]
    public async Task Release_removes_address_from_app_and_route_table()
    {
        var app = await NewApp();
        var v4 = await app.AllocateIp(IpKind.V4);
        var routes = fixture.Client.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global);
        Assert.Contains((await routes.GetSnapshot()).Apps.Single(a => a.App == app.GetPrimaryKeyString()).Ips, i => i.Address == v4.Address);

        await app.ReleaseIp(v4.Address);

        Assert.DoesNotContain(await app.ListIps(), i => i.Address == v4.Address);
        Assert.DoesNotContain((await routes.GetSnapshot()).Apps.Single(a => a.App == app.GetPrimaryKeyString()).Ips, i => i.Address == v4.Address);
        var ledger = await fixture.Client.GetGrain<IIpPoolGrain>("default").Ledger(app.GetPrimaryKeyString());
        Assert.NotNull(ledger.Single(e => e.Address == v4.Address).ReleasedAt);
    }

    [Fact]
    public async Task Release_of_address_not_held_fails_clearly()
    {
        var app = await NewApp();
        var other = await NewApp();
        var ip = await other.AllocateIp(IpKind.V6);
        var e = await Assert.ThrowsAsync<MeshException>(() => app.ReleaseIp(ip.Address));
        Assert.Equal("ip_not_held", e.Code);
        Assert.Contains(ip.Address, e.Message);
        Assert.Contains(await other.ListIps(), i => i.Address == ip.Address);
    }

    [Fact]
    public async Task Invalid_config_is_rejected_naming_the_key_and_nothing_changes()
    {
        var app = await NewApp();
        var e = await Assert.ThrowsAsync<MeshException>(() => app.Deploy(Configs.UnknownHandler));
        Assert.Equal("config_invalid", e.Code);
        Assert.Contains("services[0].ports[0].handlers", e.Message);
        Assert.Contains("bogus", e.Message);
        var info = await app.GetInfo();
        Assert.Equal(0, info!.Release);
        Assert.Empty(await app.ListIps());
    }

    [Fact]
    public async Task Unknown_app_is_a_clear_error()
    {
        var e = await Assert.ThrowsAsync<MeshException>(() => fixture.Client.GetGrain<IAppGrain>("no-such-app").ListIps());
        Assert.Equal("app_not_found", e.Code);
        Assert.Null(await fixture.Client.GetGrain<IAppGrain>("no-such-app").GetInfo());
    }

    [Fact]
    public async Task Create_twice_fails_and_invalid_names_are_refused()
    {
        var app = await NewApp();
        Assert.Equal("app_exists", (await Assert.ThrowsAsync<MeshException>(() => app.Create("personal"))).Code);
        Assert.Equal("invalid_name", (await Assert.ThrowsAsync<MeshException>(() => fixture.Client.GetGrain<IAppGrain>("Bad_Name").Create("personal"))).Code);
    }

    [Fact]
    public async Task Destroy_releases_ips_and_forgets_the_app()
    {
        var app = await NewApp();
        var name = app.GetPrimaryKeyString();
        await app.Deploy(Configs.Web);
        await app.AddInstance(new InstanceRegistration("ams", "127.0.0.1:9000", []));

        await app.Destroy();

        Assert.Null(await app.GetInfo());
        Assert.Empty(await fixture.Client.GetGrain<IIpPoolGrain>("default").Held(name));
        Assert.DoesNotContain(await fixture.Client.GetGrain<IAppCatalogGrain>(IAppCatalogGrain.Global).List(null), a => a.Name == name);
        var snapshot = await fixture.Client.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global).GetSnapshot();
        Assert.DoesNotContain(snapshot.Apps, a => a.App == name);
        Assert.DoesNotContain(snapshot.Instances, i => i.App == name);
    }
}
