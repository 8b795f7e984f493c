using System.Net;
using Mesh.Domain.Apps;
using Mesh.Domain.Routing;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.Flycast;

/// <summary>The gateway's table routes a Flycast address like a dedicated one and admits only its org's private network to it.</summary>
public sealed class FlycastGatewayTableTests
{
    private static readonly IPAddress Flycast = IPAddress.Parse(PrivateAddresses.FlycastPrefix("acme").Split('/')[0] + "1");
    private static readonly IPAddress Public = IPAddress.Parse("2001:db8::1");

    private static GatewayTable Table(bool wildcard)
    {
        var state = new RouteTableState(0);
        var service = new ServiceConfig("tcp", 8080, [], [new PortConfig(80, null, null, ["http"], true, null, null, null)], ConcurrencyConfig.Default, [], [], false);
        state.UpsertApp(new AppRoute("web", "acme", [service],
            [new IpAssignment(Public.ToString(), IpKind.V6, "global", default), new IpAssignment(Flycast.ToString(), IpKind.PrivateV6, "global", default) { Network = "acme" }],
            []));
        return GatewayTable.Build(RouteTableReplica.FromSnapshot(state.Snapshot()), wildcard);
    }

    [Fact]
    public void A_flycast_address_routes_to_the_apps_port_with_its_handlers()
    {
        var table = Table(wildcard: false);
        Assert.Equal("web", table.Resolve(Flycast, 80, null, out _)!.AppName);
        Assert.Equal(ListenerKind.Http, table.KindAt(Flycast, 80));
        Assert.True(table.IsPrivate(Flycast));
        Assert.False(table.IsPrivate(Public));
        Assert.Contains(new ListenerKey(Flycast, 80), (IReadOnlySet<ListenerKey>)table.Listeners);
        Assert.Equal([new ListenerKey(IPAddress.IPv6Any, 80)], Table(wildcard: true).Listeners);
    }

    [Fact]
    public void Only_sources_in_the_same_orgs_private_network_are_admitted_to_a_flycast_address()
    {
        var table = Table(wildcard: true);
        Assert.True(table.Admits(Flycast, PrivateAddresses.For("acme", "ams", "i-1")));
        Assert.True(table.Admits(Flycast, PrivateAddresses.For("acme", "sin", "i-2")));
        Assert.False(table.Admits(Flycast, PrivateAddresses.For("rival", "ams", "i-3")));
        Assert.False(table.Admits(Flycast, IPAddress.Parse("fd00:98:1::2")));
        Assert.False(table.Admits(Flycast, IPAddress.Parse("10.98.1.2")));
        Assert.False(table.Admits(Flycast, IPAddress.IPv6Loopback));
        // Public addresses admit everyone, as before.
        Assert.True(table.Admits(Public, IPAddress.Parse("fd00:98:1::2")));
        Assert.True(table.Admits(Public, PrivateAddresses.For("rival", "ams", "i-3")));
    }
}
