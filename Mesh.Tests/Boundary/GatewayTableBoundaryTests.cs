using System.Net;
using Mesh.Domain.Routing;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.Boundary;

/// <summary>The gateway table's part of the boundary, without sockets: fixed pipelines on the shared IPv4, refused instances left out.</summary>
public sealed class GatewayTableBoundaryTests
{
    private static readonly IPAddress Shared = IPAddress.Parse("10.9.9.9");

    private static ServiceConfig Service(int internalPort, params (int Port, string[] Handlers)[] ports) => new("tcp", internalPort, [],
        [.. ports.Select(p => new PortConfig(p.Port, null, null, [.. p.Handlers.Order(StringComparer.Ordinal)], false, null, null, null))],
        ConcurrencyConfig.Default, [], [], false);

    private static AppRoute App(string name, ServiceConfig service, string host) => new(name, "personal", [service],
        [new IpAssignment(Shared.ToString(), IpKind.SharedV4, "global", default)], [new CertificateRoute(host, "cert", "key")]);

    private static RouteTableReplica Replica(params (AppRoute App, string Address)[] apps)
    {
        var state = new RouteTableState(0);
        foreach (var (app, address) in apps)
        {
            state.UpsertApp(app);
            state.UpsertInstance(new InstanceRoute("i-" + app.App, app.App, "ams", address, InstanceState.Started, InstanceHealth.Passing, "fdaa::2"));
        }
        return RouteTableReplica.FromSnapshot(state.Snapshot());
    }

    [Fact]
    public void Apps_sorting_first_with_other_handlers_do_not_decide_the_shared_pipelines()
    {
        var table = GatewayTable.Build(Replica(
            (App("00evil", Service(9000, (80, []), (443, ["tls"]), (7000, ["tls"])), "evil.test"), "127.0.0.1:9000"),
            (App("web", Service(8080, (80, ["http"]), (443, ["http", "tls"])), "web.test"), "127.0.0.1:8080")), wildcard: false);

        Assert.Equal(ListenerKind.Http, table.KindAt(Shared, 80));
        Assert.Equal(ListenerKind.Https, table.KindAt(Shared, 443));
        Assert.Null(table.KindAt(Shared, 7000));
        Assert.Equal("web", table.Resolve(Shared, 443, "web.test", out _)!.AppName);
        Assert.Null(table.Resolve(Shared, 443, "evil.test", out _));
        Assert.Null(table.Resolve(Shared, 80, "evil.test", out _));
        Assert.Equal([new ListenerKey(Shared, 80), new ListenerKey(Shared, 443)], table.Listeners.OrderBy(l => l.Port));
    }

    [Fact]
    public void Refused_instances_are_left_out_of_the_table_and_its_source_and_listed_with_the_rule()
    {
        var web = App("web", Service(8080, (80, ["http"])), "web.test");
        var other = App("other", Service(8080, (80, ["http"])), "other.test");
        var table = GatewayTable.Build(Replica((web, "127.0.0.1:22"), (other, "127.0.0.1:8080")), wildcard: false,
            (app, instance) => instance.Address.EndsWith(":22", StringComparison.Ordinal) ? "port 22 is refused" : null);

        Assert.Empty(table.InstancesOf("web"));
        Assert.False(table.Source.Instances.ContainsKey("i-web"));
        Assert.True(table.Unfiltered.Instances.ContainsKey("i-web"));
        Assert.Equal("i-other", Assert.Single(table.InstancesOf("other")).Id);
        var (refused, rule) = Assert.Single(table.RefusedInstances);
        Assert.Equal("i-web", refused.Id);
        Assert.Equal("port 22 is refused", rule);
        Assert.Equal(table.Unfiltered.Version, table.Source.Version);
    }
}
