using System.Net;
using Mesh.Domain.Routing;
using Mesh.Gateway.Forwarding;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.GatewayUnit;

public sealed class GatewayTableTests
{
    [Fact]
    public void Routes_dedicated_addresses_shared_ones_by_name_and_groups_instances()
    {
        var state = new RouteTableState(0);
        var service = new ServiceConfig("tcp", 8080, [], [new PortConfig(443, null, null, ["http", "tls"], false, null, null, null)], ConcurrencyConfig.Default, [], [], false);
        state.UpsertApp(new AppRoute("a", "personal", [service],
            [new IpAssignment("10.0.0.1", IpKind.V4, "global", default), new IpAssignment("10.9.9.9", IpKind.SharedV4, "global", default)],
            [new CertificateRoute("a.example.com", "cert", "key")]));
        state.UpsertInstance(new InstanceRoute("i1", "a", "ams", "127.0.0.1:1", InstanceState.Started, InstanceHealth.Passing, "fdaa::2"));
        var table = GatewayTable.Build(RouteTableReplica.FromSnapshot(state.Snapshot()), wildcard: false);

        Assert.Equal("a", table.Resolve(IPAddress.Parse("10.0.0.1"), 443, null, out _)!.AppName);
        Assert.True(table.IsShared(IPAddress.Parse("10.9.9.9")));
        Assert.Null(table.Resolve(IPAddress.Parse("10.9.9.9"), 443, null, out var failure));
        Assert.Equal(ProxyError.UnknownServerName, failure);
        Assert.Equal("a", table.Resolve(IPAddress.Parse("10.9.9.9"), 443, "A.EXAMPLE.COM", out _)!.AppName);
        Assert.Equal(ListenerKind.Https, table.KindAt(IPAddress.Parse("::ffff:10.0.0.1"), 443));
        Assert.Equal("i1", Assert.Single(table.InstancesOf("a")).Id);
        Assert.Equal(
            [new ListenerKey(IPAddress.Parse("10.0.0.1"), 443), new ListenerKey(IPAddress.Parse("10.9.9.9"), 443)],
            table.Listeners.OrderBy(l => l.ToString()));
    }
}
