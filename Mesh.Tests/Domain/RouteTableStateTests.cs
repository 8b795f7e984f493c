using Mesh.Domain.Routing;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.Domain;

public sealed class RouteTableStateTests
{
    private static AppRoute App(string name, params string[] ips) =>
        new(name, "personal", [], [.. ips.Select(i => new IpAssignment(i, i.Contains(':') ? IpKind.V6 : IpKind.V4, "global", DateTimeOffset.UnixEpoch))], []);

    private static InstanceRoute Instance(string id, string app, InstanceState state = InstanceState.Started) =>
        new(id, app, "ams", "127.0.0.1:1", state, InstanceHealth.Passing, "fdaa::2");

    [Fact]
    public void Versions_grow_by_one_and_replicas_follow()
    {
        var table = new RouteTableState(100);
        var replica = RouteTableReplica.FromSnapshot(table.Snapshot());
        var deltas = new[]
        {
            table.UpsertApp(App("a", "10.0.0.1")),
            table.UpsertInstance(Instance("i1", "a")),
            table.UpsertInstance(Instance("i1", "a", InstanceState.Stopped)),
            table.UpsertApp(App("b")),
            table.RemoveInstance("a", "i1"),
            table.RemoveApp("b"),
        };
        Assert.Equal([101L, 102, 103, 104, 105, 106], deltas.Select(d => d.Version));
        foreach (var d in deltas) replica = replica.Apply(d)!;
        Assert.Equal(106, replica.Version);
        Assert.Equal(["a"], replica.Apps.Keys);
        Assert.Empty(replica.Instances);
        Assert.Equal(table.Snapshot().Apps.Select(a => a.App), replica.Apps.Keys);
    }

    [Fact]
    public void Replica_ignores_old_deltas_and_reports_gaps()
    {
        var table = new RouteTableState(0);
        var d1 = table.UpsertApp(App("a"));
        var d2 = table.UpsertApp(App("b"));
        var replica = RouteTableReplica.Empty.Apply(d1)!;
        Assert.Same(replica, replica.Apply(d1));
        Assert.Null(RouteTableReplica.Empty.Apply(d2));
    }

    [Fact]
    public void Changes_since_gives_deltas_while_held_then_a_snapshot()
    {
        var table = new RouteTableState(0, keep: 3);
        for (var i = 0; i < 5; i++) table.UpsertApp(App($"a{i}"));
        Assert.Equal([4L, 5], table.ChangesSince(3).Deltas.Select(d => d.Version));
        Assert.Null(table.ChangesSince(3).Snapshot);
        Assert.Empty(table.ChangesSince(5).Deltas);
        Assert.NotNull(table.ChangesSince(1).Snapshot);
        Assert.NotNull(table.ChangesSince(99).Snapshot);
        Assert.Equal(5, RouteTableReplica.Empty.Apply(table.ChangesSince(1))!.Apps.Count);
    }

    [Fact]
    public void Removing_an_app_removes_its_instances()
    {
        var table = new RouteTableState(0);
        table.UpsertApp(App("a"));
        table.UpsertInstance(Instance("i1", "a"));
        table.UpsertInstance(Instance("i2", "b"));
        var replica = RouteTableReplica.FromSnapshot(table.Snapshot());
        replica = replica.Apply(table.RemoveApp("a"))!;
        Assert.Equal(["i2"], replica.Instances.Keys);
        Assert.Equal(["i2"], table.Snapshot().Instances.Select(i => i.Id));
    }
}
