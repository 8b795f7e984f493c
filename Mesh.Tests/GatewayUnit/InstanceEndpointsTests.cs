using Mesh.Gateway.Routing;
using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.GatewayUnit;

public sealed class InstanceEndpointsTests
{
    private static ServiceConfig Service(int internalPort) => new("tcp", internalPort, [], [], ConcurrencyConfig.Default, [], [], false);

    private static readonly AppRoute App = new("a", "personal", [Service(8080), Service(5432)], [], []);

    private static InstanceRoute At(string address) => new("i", "a", "ams", address, InstanceState.Started, InstanceHealth.Passing, "fdaa::2");

    [Fact]
    public void Instances_on_their_real_ports_are_dialled_at_each_internal_port()
    {
        Assert.Equal("10.0.0.5:8080", InstanceEndpoints.For(At("10.0.0.5:8080"), App, App.Services[0])!.ToString());
        Assert.Equal("10.0.0.5:5432", InstanceEndpoints.For(At("10.0.0.5:8080"), App, App.Services[1])!.ToString());
    }

    [Fact]
    public void A_shifted_registration_shifts_every_service()
    {
        Assert.Equal("127.0.0.1:40000", InstanceEndpoints.For(At("127.0.0.1:40000"), App, App.Services[0])!.ToString());
        Assert.Equal("127.0.0.1:37352", InstanceEndpoints.For(At("127.0.0.1:40000"), App, App.Services[1])!.ToString());
        Assert.Equal("[fdaa::2]:5432", InstanceEndpoints.For(At("[fdaa::2]:8080"), App, App.Services[1])!.ToString());
        Assert.Null(InstanceEndpoints.For(At("nonsense"), App, App.Services[0]));
    }

    [Fact]
    public void An_instance_listening_on_every_address_is_dialled_at_its_private_address()
    {
        Assert.Equal("[fdaa::2]:8080", InstanceEndpoints.For(At("[::]:8080"), App, App.Services[0])!.ToString());
        Assert.Equal("[fdaa::2]:5432", InstanceEndpoints.For(At("0.0.0.0:8080"), App, App.Services[1])!.ToString());
    }
}
