using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Security;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Cluster;

/// <summary>
/// Three real silo processes in three regions, clustered and persisted in a real Redis: the
/// allocator stays unique under concurrent load from every silo, and state survives a hard kill
/// and a restart of the whole cluster.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class RedisClusterTests
{
    private const int Apps = 100;
    private const int PerApp = 20;
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);

    private static readonly Dictionary<string, string> Pools = new()
    {
        ["Mesh__IpPool__DedicatedV4"] = "127.80.0.0/21",
        ["Mesh__IpPool__SharedV4"] = "127.79.0.1",
        ["Mesh__IpPool__DedicatedV6"] = "fdaa:7265:6469::/64",
        // One org takes 500 dedicated IPv4s here, on purpose: the operator raises its quota.
        ["Mesh__Quotas__Default__DedicatedV4"] = "1000",
        ["Mesh__Quotas__Default__Apps"] = "1000",
    };

    [Fact]
    public async Task Concurrent_allocations_are_distinct_and_state_survives_kill_and_restart()
    {
        await using var redis = await RedisServer.StartAsync();
        using var identity = new ClusterIdentity();
        var tls = new[] { "ams", "iad", "sin" }.ToDictionary(r => r, r => identity.Issue(NodeRole.Silo, "silo-" + r));
        var serviceId = "redis-" + Guid.NewGuid().ToString("N")[..8];
        var regions = new[] { "ams", "iad", "sin" };
        var silos = new List<SiloProcess>();
        foreach (var region in regions)
        {
            silos.Add(await SiloProcess.StartAsync(region, redis.Connection, serviceId: serviceId, env: Pools, tlsDir: tls[region]));
        }

        Dictionary<string, string[]> held;
        await using (var client = await ClusterClientHost.ConnectAsync(redis.Connection, serviceId, identity.Operator))
        {
            var grains = client.Client;
            var members = await grains.GetGrain<IClusterInfoGrain>(0).Members();
            Assert.Equal(regions, members.Where(m => m.Status == "Active").Select(m => m.Region).Order());

            var names = Enumerable.Range(0, Apps).Select(i => $"load-{i:000}").ToArray();
            await Task.WhenAll(names.Select(n => grains.GetGrain<IAppGrain>(n).Create("personal")));

            // 2,000 allocations at once: app grains spread over the three silos, all calling the one pool.
            var calls = names.SelectMany(n => Enumerable.Range(0, PerApp).Select(i =>
                grains.GetGrain<IAppGrain>(n).AllocateIp(i % 4 == 0 ? IpKind.V4 : IpKind.V6)));
            var allocated = await Task.WhenAll(calls);

            Assert.Equal(Apps * PerApp, allocated.Length);
            Assert.Equal(Apps * PerApp, allocated.Select(a => a.Address).Distinct().Count());
            var usage = await grains.GetGrain<IIpPoolGrain>("default").Usage();
            Assert.Equal(Apps * PerApp / 4, usage.DedicatedV4InUse);
            Assert.Equal(Apps * PerApp * 3 / 4, usage.V6InUse);
            held = await ReadHeld(grains, names);
            Assert.Equal(Apps * PerApp, held.Values.Sum(v => v.Length));

            // Kill one silo without notice: everything is still there and the cluster keeps answering.
            silos[2].Process.Kill();
            var afterKill = await Eventually.Succeeds(() => ReadHeld(grains, names), Recovery);
            Assert.Equal(Flatten(held), Flatten(afterKill));
            var extra = await Eventually.Succeeds(() => grains.GetGrain<IAppGrain>(names[0]).AllocateIp(IpKind.V6), Recovery);
            Assert.DoesNotContain(extra.Address, held.Values.SelectMany(v => v));
            await grains.GetGrain<IAppGrain>(names[0]).ReleaseIp(extra.Address);
        }

        // Restart the whole cluster on the same ports (the survivors stop gracefully): nothing lost.
        var ports = silos.Select(s => (s.SiloPort, s.GatewayPort)).ToArray();
        foreach (var silo in silos)
        {
            await silo.Process.TerminateAsync(TimeSpan.FromSeconds(30));
            await silo.DisposeAsync();
        }
        silos.Clear();
        for (var i = 0; i < regions.Length; i++)
        {
            silos.Add(await SiloProcess.StartAsync(regions[i], redis.Connection, serviceId: serviceId, env: Pools, siloPort: ports[i].SiloPort, gatewayPort: ports[i].GatewayPort, tlsDir: tls[regions[i]]));
        }
        try
        {
            await using var client = await ClusterClientHost.ConnectAsync(redis.Connection, serviceId, identity.Operator);
            var names = held.Keys.ToArray();
            var restarted = await Eventually.Succeeds(() => ReadHeld(client.Client, names), Recovery);
            Assert.Equal(Flatten(held), Flatten(restarted));
            Assert.Equal(Apps, (await client.Client.GetGrain<IAppCatalogGrain>(IAppCatalogGrain.Global).List(null)).Length);
            // The route table rebuilds itself from the apps after the restart.
            var snapshot = await client.Client.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global).GetSnapshot();
            Assert.Equal(Apps * PerApp, snapshot.Apps.Sum(a => a.Ips.Length));
            var usage = await client.Client.GetGrain<IIpPoolGrain>("default").Usage();
            Assert.Equal(Apps * PerApp / 4, usage.DedicatedV4InUse);
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }

    private static async Task<Dictionary<string, string[]>> ReadHeld(IClusterClient grains, string[] names)
    {
        var lists = await Task.WhenAll(names.Select(n => grains.GetGrain<IAppGrain>(n).ListIps()));
        return names.Zip(lists).ToDictionary(p => p.First, p => p.Second.Select(i => i.Address).Order().ToArray());
    }

    private static IEnumerable<string> Flatten(Dictionary<string, string[]> held) =>
        held.OrderBy(p => p.Key).SelectMany(p => p.Value.Select(a => $"{p.Key}={a}"));
}
