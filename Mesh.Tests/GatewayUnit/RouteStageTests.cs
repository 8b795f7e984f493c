using System.Net;
using Mesh.Domain.Routing;
using Mesh.Gateway.Pipeline;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Tests.GatewayUnit;

/// <summary>The route stage in memory: the connection's route is resolved once, into a typed feature, or the connection ends counted.</summary>
public sealed class RouteStageTests
{
    private readonly GatewayState _state;
    private readonly GatewayMetrics _metrics = new();
    private readonly RouteStage _stage;

    public RouteStageTests()
    {
        var time = new FakeTimeProvider();
        _state = new GatewayState(time);
        var table = new RouteTableState(0);
        var service = new ServiceConfig("tcp", 8080, [], [new PortConfig(5432, null, null, [], false, null, null, null)], ConcurrencyConfig.Default, [], [], false);
        table.UpsertApp(new AppRoute("a", "personal", [service], [new IpAssignment("10.0.0.1", IpKind.V4, "global", default)], []));
        _state.Publish(GatewayTable.Build(RouteTableReplica.FromSnapshot(table.Snapshot()), wildcard: false));
        _stage = new RouteStage(_state, new ConnectionFailures(_metrics, time, NullLogger<ConnectionFailures>.Instance));
    }

    private static DefaultConnectionContext Connection(string local, int port) => new("c1")
    {
        LocalEndPoint = new IPEndPoint(IPAddress.Parse(local), port),
        RemoteEndPoint = new IPEndPoint(IPAddress.Parse("192.0.2.9"), 40000),
    };

    private async Task<IRouteFeature?> RunAsync(ConnectionContext connection)
    {
        IRouteFeature? seen = null;
        await _stage.Middleware(c =>
        {
            seen = c.Features.Get<IRouteFeature>();
            return Task.CompletedTask;
        })(connection);
        return seen;
    }

    [Fact]
    public async Task A_routed_connection_carries_its_route_to_the_handler()
    {
        var route = await RunAsync(Connection("10.0.0.1", 5432));
        Assert.Equal("a", route!.Route.AppName);
        Assert.Equal(ListenerKind.Tcp, route.Route.Kind);
    }

    [Fact]
    public async Task A_route_set_by_the_tls_choice_is_not_resolved_again()
    {
        var connection = Connection("10.0.0.1", 5432);
        var chosen = new RouteFeature(_state.Table.Resolve(IPAddress.Parse("10.0.0.1"), 5432, null, out _)!);
        connection.Features.Set<IRouteFeature>(chosen);
        _state.Publish(GatewayTable.Empty);
        Assert.Same(chosen, await RunAsync(connection));
    }

    [Fact]
    public async Task A_connection_with_no_route_is_counted_and_never_reaches_the_handler()
    {
        var called = false;
        await _stage.Middleware(_ =>
        {
            called = true;
            return Task.CompletedTask;
        })(Connection("10.0.0.2", 5432));
        Assert.False(called);
        Assert.Equal(1, _metrics.Totals().GetValueOrDefault("error.no_route"));
    }
}
