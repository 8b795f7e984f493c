using Mesh.Domain.Routing;
using Mesh.Gateway.Health;
using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.Health;

/// <summary>Route tables with checks, built the way the control plane builds them.</summary>
internal static class HealthFixtures
{
    public static TcpCheckConfig TcpCheck(TimeSpan? grace = null, TimeSpan? timeout = null) =>
        new(TimeSpan.FromSeconds(1), timeout ?? TimeSpan.FromSeconds(1), grace ?? TimeSpan.Zero);

    public static HttpCheckConfig HttpCheck(
        string path = "/ok",
        TimeSpan? grace = null,
        TimeSpan? timeout = null,
        string method = "GET",
        string protocol = "http",
        string? tlsServerName = null,
        bool tlsSkipVerify = false,
        params HeaderValue[] headers) =>
        new(TimeSpan.FromSeconds(1), timeout ?? TimeSpan.FromSeconds(5), grace ?? TimeSpan.Zero, method, path, protocol, tlsServerName, tlsSkipVerify, [.. headers]);

    public static ServiceConfig ServiceWith(int internalPort, TcpCheckConfig[]? tcp = null, HttpCheckConfig[]? http = null) =>
        new("tcp", internalPort, [], [], ConcurrencyConfig.Default, [.. tcp ?? []], [.. http ?? []], false);

    public static AppRoute App(string name, params ServiceConfig[] services) => new(name, "personal", [.. services], [], []);

    public static InstanceRoute Instance(
        string id,
        string address,
        string region = "ams",
        string app = "a",
        InstanceState state = InstanceState.Started,
        InstanceHealth health = InstanceHealth.Passing) =>
        new(id, app, region, address, state, health, "fdaa::2");

    public static RouteTableReplica Table(IEnumerable<AppRoute> apps, params InstanceRoute[] instances)
    {
        var state = new RouteTableState(0);
        foreach (var app in apps) state.UpsertApp(app);
        foreach (var instance in instances) state.UpsertInstance(instance);
        return RouteTableReplica.FromSnapshot(state.Snapshot());
    }

    public static RouteTableReplica Table(AppRoute app, params InstanceRoute[] instances) => Table([app], instances);

    public static HealthCheckTarget Single(RouteTableReplica table, string region = "ams") => Assert.Single(HealthCheckPlanner.Plan(table, region));
}
