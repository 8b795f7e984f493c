using Mesh.Security;
using Mesh.Domain;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Boundary;

/// <summary>
/// Instance addresses with real silo and gateway processes: a Redis cluster refuses loopback
/// unless the operator allows it, an embedded mesh allows loopback but not its own ports, and a
/// gateway never dials an endpoint the policy refuses, even one a registration did not name.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class InstanceAddressProcessTests
{
    private const string Web = "[http_service]\n  internal_port = 8080\n";

    private static async Task<string> Refused(IAppGrain app, string address)
    {
        var e = await Assert.ThrowsAsync<MeshException>(() => app.AddInstance(new InstanceRegistration("ams", address, [])));
        Assert.Equal("instance_address_refused", e.Code);
        return e.Message;
    }

    private static async Task<IAppGrain> NewApp(IGrainFactory grains, string name, string org, string config = Web)
    {
        var app = grains.GetGrain<IAppGrain>(name);
        await app.Create(org);
        await app.Deploy(config);
        return app;
    }

    [Fact]
    public async Task A_redis_cluster_refuses_loopback_and_its_own_node_endpoints_and_allows_what_the_operator_allows()
    {
        await using var redis = await RedisServer.StartAsync();
        var serviceId = "addr-" + Guid.NewGuid().ToString("N")[..8];
        using var identity = new ClusterIdentity();
        await using var silo = await SiloProcess.StartAsync("ams", redis.Connection, serviceId: serviceId, env: new Dictionary<string, string>
        {
            ["Mesh__Instances__AllowedNetworks__lan"] = "127.0.0.0/8",
            ["Mesh__Instances__AllowedNetworks__*"] = "10.20.0.0/16",
        }, tlsDir: identity.Issue(NodeRole.Silo, "silo-ams"));
        await using var client = await ClusterClientHost.ConnectAsync(redis.Connection, serviceId, identity.Operator);

        var strict = await NewApp(client.Client, "strict", "strict");
        Assert.Equal("instance address 127.0.0.1:22: loopback addresses are not allowed for org 'strict' (Mesh:Instances:AllowedNetworks)",
            await Refused(strict, "127.0.0.1:22"));
        Assert.Equal("instance address 169.254.169.254:80: link-local addresses are never allowed", await Refused(strict, "169.254.169.254:80"));

        var lan = await NewApp(client.Client, "lan-app", "lan");
        foreach (var port in new[] { silo.SiloPort, silo.GatewayPort })
        {
            Assert.Equal($"instance address 127.0.0.1:{port}: the cluster's own endpoints (silo, Orleans gateway, API and gateway admin ports) are never allowed",
                await Refused(lan, $"127.0.0.1:{port}"));
        }
        await lan.AddInstance(new InstanceRegistration("ams", "127.0.0.1:5000", []));
        await lan.AddInstance(new InstanceRegistration("ams", "10.20.0.9:5000", []));
        Assert.Equal(2, (await lan.ListInstances()).Length);
        // "*" allows a network to every org.
        await strict.AddInstance(new InstanceRegistration("ams", "10.20.0.10:5000", []));
        Assert.Single(await strict.ListInstances());
    }

    [Fact]
    public async Task Embedded_mode_allows_loopback_but_not_the_meshs_own_ports_and_the_gateway_never_dials_them()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        var app = await NewApp(edge.Grains, "web", "personal");
        foreach (var port in new[] { edge.Silo.SiloPort, edge.Silo.GatewayPort, 9091 })
        {
            Assert.Contains("the cluster's own endpoints", await Refused(app, $"127.0.0.1:{port}"));
        }
        Assert.Contains("the platform's public addresses", await Refused(app, $"{edge.SharedV4}:80"));

        // Registered one port below the silo's, an instance of an app whose second service listens
        // one port above the first is dialled at the silo's port for that service: the gateway
        // leaves the instance out of its table.
        var config = "[[services]]\n  internal_port = 8080\n  [[services.ports]]\n    port = 80\n    handlers = [\"http\"]\n"
            + "[[services]]\n  internal_port = 8081\n  [[services.ports]]\n    port = 81\n";
        var sneaky = await NewApp(edge.Grains, "sneaky", "personal", config);
        var v4 = (await sneaky.AllocateIp(IpKind.V4)).Address;
        var instance = await sneaky.AddInstance(new InstanceRegistration("ams", $"127.0.0.1:{edge.Silo.SiloPort - 1}", []));
        var gateway = await edge.StartGatewayAsync();

        var line = await gateway.Process.WaitForLineAsync($"Instance {instance.Id} of sneaky is not dialled", TimeSpan.FromSeconds(30));
        Assert.Contains($"instance address 127.0.0.1:{edge.Silo.SiloPort}: the cluster's own endpoints", line);
        Assert.Equal(1, await gateway.CounterAsync("error.instance_address_refused"));
        var answer = await Tool.RunAsync("curl", ["-s", "-i", "--max-time", "20", $"http://{v4}/"]);
        Assert.StartsWith("HTTP/1.1 503", answer.Stdout);
        Assert.Contains("no healthy instance of sneaky", answer.Stdout);
    }
}
