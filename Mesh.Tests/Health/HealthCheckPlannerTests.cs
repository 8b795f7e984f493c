using Mesh.Gateway.Health;
using Mesh.Interfaces.Model;
using static Mesh.Tests.Health.HealthFixtures;

namespace Mesh.Tests.Health;

public sealed class HealthCheckPlannerTests
{
    [Fact]
    public void Only_started_instances_in_the_gateways_region_are_checked()
    {
        var app = App("a", ServiceWith(8080, tcp: [TcpCheck()]));
        var table = Table(app,
            Instance("here", "10.0.0.1:8080"),
            Instance("stopped", "10.0.0.2:8080", state: InstanceState.Stopped),
            Instance("elsewhere", "10.0.0.3:8080", region: "syd"),
            Instance("critical", "10.0.0.4:8080", health: InstanceHealth.Critical));

        var targets = HealthCheckPlanner.Plan(table, "ams");

        Assert.Equal(["critical", "here"], targets.Select(t => t.InstanceId));
        Assert.Equal(["elsewhere"], HealthCheckPlanner.Plan(table, "SYD").Select(t => t.InstanceId));
    }

    [Fact]
    public void Every_check_of_every_service_dials_the_services_endpoint()
    {
        var web = HttpCheck("/healthz", method: "HEAD");
        var app = App("a", ServiceWith(8080, tcp: [TcpCheck()], http: [web, HttpCheck("/ready")]), ServiceWith(5432, tcp: [TcpCheck()]), ServiceWith(9000));
        // Registered on a shifted port: every service keeps its distance from the first one.
        var table = Table(app, Instance("i1", "127.0.0.1:40000"));

        var targets = HealthCheckPlanner.Plan(table, "ams");

        Assert.Equal(
            [("i1/0/tcp/0", HealthCheckKind.Tcp, "127.0.0.1:40000", "tcp 8080"),
             ("i1/0/http/0", HealthCheckKind.Http, "127.0.0.1:40000", "http 8080 HEAD /healthz"),
             ("i1/0/http/1", HealthCheckKind.Http, "127.0.0.1:40000", "http 8080 GET /ready"),
             ("i1/1/tcp/0", HealthCheckKind.Tcp, "127.0.0.1:37352", "tcp 5432")],
            targets.Select(t => (t.Key, t.Kind, t.Endpoint.ToString(), t.Name)));
        Assert.Same(web, targets[1].Http);
        Assert.All(targets, t => Assert.Equal(("i1", "a"), (t.InstanceId, t.App)));
    }

    [Fact]
    public void Apps_without_checks_and_undiallable_addresses_plan_nothing()
    {
        var plain = App("plain", ServiceWith(8080));
        var checkedApp = App("checked", ServiceWith(8080, tcp: [TcpCheck()]));
        var table = Table([plain, checkedApp],
            Instance("p1", "10.0.0.1:8080", app: "plain"),
            Instance("c1", "not-an-address", app: "checked"));

        Assert.Empty(HealthCheckPlanner.Plan(table, "ams"));
    }

    [Fact]
    public void Keys_survive_unrelated_table_changes()
    {
        var app = App("a", ServiceWith(8080, tcp: [TcpCheck()]));
        var before = Single(Table(app, Instance("i1", "10.0.0.1:8080")));
        var after = Single(Table(app, Instance("i1", "10.0.0.1:8080", health: InstanceHealth.Critical), Instance("other", "10.0.0.2:8080", region: "fra")));

        Assert.Equal(before.Key, after.Key);
    }
}
