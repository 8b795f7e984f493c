using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Health;

/// <summary>A real gateway process checks an instance in its region and the control plane's table follows.</summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class HealthCheckEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static string Config(int internalPort) => $$"""
        [[services]]
          internal_port = {{internalPort}}
          protocol = "tcp"
          [[services.ports]]
            port = 7020
          [[services.http_checks]]
            interval = "1s"
            timeout = "1s"
            grace_period = "0s"
            path = "/toggle"
        """;

    [Fact]
    public async Task A_failing_check_marks_the_instance_critical_and_a_passing_one_restores_it()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var checkedApp = await CheckedApp.StartAsync();
        var app = edge.Grains.GetGrain<IAppGrain>("checked");
        await app.Create("personal");
        await app.Deploy(Config(checkedApp.Endpoint.Port));
        var instance = await app.AddInstance(new InstanceRegistration("ams", checkedApp.Address, []));
        var grain = edge.Grains.GetGrain<IInstanceGrain>(instance.Id);
        var gateway = await edge.StartGatewayAsync("ams");

        checkedApp.Healthy = false;
        await gateway.Process.WaitForLineAsync($"Health {instance.Id} checked critical (http {checkedApp.Endpoint.Port} GET /toggle: status 503)", Deadline);
        Assert.Equal(InstanceHealth.Critical, (await grain.GetInfo())!.Health);
        Assert.True(await gateway.CounterAsync("health.http.failed") >= 1);

        checkedApp.Healthy = true;
        await gateway.Process.WaitForLineAsync($"Health {instance.Id} checked passing", Deadline);
        Assert.Equal(InstanceHealth.Passing, (await grain.GetInfo())!.Health);
        Assert.Equal(InstanceState.Started, (await grain.GetInfo())!.State);
    }
}
