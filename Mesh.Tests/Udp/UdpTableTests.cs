using System.Net;
using Mesh.Domain.Config;
using Mesh.Domain.Ips;
using Mesh.Domain.Routing;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Udp;
using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.Udp;

/// <summary>The pure parts: which addresses and ports serve UDP, where datagrams go, and the deploy warning.</summary>
public sealed class UdpTableTests
{
    private static RouteTableReplica Table(string flyToml, params IpAssignment[] ips)
    {
        var state = new RouteTableState(0);
        state.UpsertApp(new AppRoute("dns", "personal", FlyToml.Load(flyToml).Config.Services, [.. ips], []));
        state.UpsertInstance(new InstanceRoute("i1", "dns", "ams", "127.0.0.1:7000", InstanceState.Started, InstanceHealth.Passing, "fdaa::2"));
        return RouteTableReplica.FromSnapshot(state.Snapshot());
    }

    private static readonly IpAssignment[] AllKinds =
    [
        new("10.0.0.1", IpKind.V4, "global", default),
        new("10.9.9.9", IpKind.SharedV4, "global", default),
        new("fdaa:6d65:7368::2", IpKind.V6, "global", default),
    ];

    private const string Config = """
        [[services]]
          internal_port = 53
          protocol = "udp"
          [[services.ports]]
            port = 53
          [[services.ports]]
            start_port = 6000
            end_port = 6002
        [[services]]
          internal_port = 53
          protocol = "tcp"
          [[services.ports]]
            port = 54
        """;

    [Fact]
    public void Only_the_dedicated_ipv4_serves_udp_ports_and_ranges()
    {
        var table = UdpTable.Build(Table(Config, AllKinds), wildcard: false);

        Assert.Equal(
            ["10.0.0.1:53", "10.0.0.1:6000", "10.0.0.1:6001", "10.0.0.1:6002"],
            table.Listeners.Select(l => l.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal("dns", table.Resolve(IPAddress.Parse("10.0.0.1"), 6001)!.AppName);
        Assert.Null(table.Resolve(IPAddress.Parse("10.9.9.9"), 53));
        Assert.Null(table.Resolve(IPAddress.Parse("fdaa:6d65:7368::2"), 53));
        // The tcp service's port is TCP's business.
        Assert.Null(table.Resolve(IPAddress.Parse("10.0.0.1"), 54));
        Assert.Equal("i1", Assert.Single(table.InstancesOf("dns")).Id);
    }

    [Fact]
    public void Wildcard_mode_wants_one_socket_per_port_and_still_routes_by_the_dialled_address()
    {
        var table = UdpTable.Build(Table(Config, [.. AllKinds, new IpAssignment("10.0.0.2", IpKind.V4, "global", default)]), wildcard: true);

        Assert.Equal(["0.0.0.0:53", "0.0.0.0:6000", "0.0.0.0:6001", "0.0.0.0:6002"], table.Listeners.Select(l => l.ToString()).Order(StringComparer.Ordinal));
        Assert.NotNull(table.Resolve(UdpTable.Key(IPAddress.Parse("10.0.0.2")), 53));
        Assert.Null(table.Resolve(UdpTable.Key(IPAddress.Parse("10.0.0.3")), 53));
    }

    [Fact]
    public void Datagrams_go_to_the_service_port_and_internal_port_zero_keeps_the_public_port()
    {
        var table = UdpTable.Build(Table(Config, AllKinds), wildcard: false);
        var instance = table.Instance("i1")!;
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:7000"), UdpEndpoints.For(instance, table.Resolve(IPAddress.Parse("10.0.0.1"), 6002)!));

        var zero = UdpTable.Build(Table(Config.Replace("internal_port = 53\n  protocol = \"udp\"", "internal_port = 0\n  protocol = \"udp\""), AllKinds), wildcard: false);
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:6002"), UdpEndpoints.For(zero.Instance("i1")!, zero.Resolve(IPAddress.Parse("10.0.0.1"), 6002)!));
    }

    [Fact]
    public void A_udp_service_is_health_checked_with_its_own_tcp_checks_at_its_port()
    {
        var replica = Table("""
            [[services]]
              internal_port = 53
              protocol = "udp"
              [[services.ports]]
                port = 53
              [[services.tcp_checks]]
                interval = "5s"
                timeout = "1s"
            """, AllKinds);

        var check = Assert.Single(Mesh.Gateway.Health.HealthCheckPlanner.Plan(replica, "ams"));
        Assert.Equal(("i1", IPEndPoint.Parse("127.0.0.1:7000")), (check.InstanceId, check.Endpoint));
        Assert.Equal(Mesh.Gateway.Health.HealthCheckKind.Tcp, check.Kind);
    }

    [Fact]
    public void A_deploy_without_a_dedicated_ipv4_is_told_which_udp_service_waits_for_one()
    {
        var read = FlyToml.Load("""
            [http_service]
              internal_port = 8080
            [[services]]
              protocol = "udp"
              internal_port = 53
              [[services.ports]]
                port = 53
              [[services.ports]]
                start_port = 6000
                end_port = 6002
            """);

        var warning = Assert.Single(UdpServices.WarningsWithoutDedicatedV4(read.Config, read.ServicePaths));
        Assert.Equal("services[0]: udp ports 53, 6000-6002 are served on a dedicated IPv4 address only, and this app has none; "
            + "the service starts working when one is allocated (`mesh ips allocate-v4`)", warning);
    }
}
