using Mesh.Domain.Routing;
using Mesh.Grains;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.Domain;

/// <summary>Route-table versions never go backwards for a gateway, even when the publisher's epoch does.</summary>
public sealed class RouteTableEpochTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static AppRoute App(string name) => new(name, "personal", [], [], []);

    [Fact]
    public void A_restored_epoch_counter_still_moves_forward()
    {
        var before = RouteTableEpoch.Next(RouteTableEpoch.Next(0, Now), Now.AddSeconds(1));
        // A backup taken at the first activation is restored an hour later.
        var restored = RouteTableEpoch.Next(1, Now.AddHours(1));
        Assert.True(restored > before);
        Assert.True(restored << 32 > before << 32);
    }

    [Fact]
    public void Two_activations_in_the_same_second_get_different_epochs()
    {
        var first = RouteTableEpoch.Next(0, Now);
        Assert.Equal(first + 1, RouteTableEpoch.Next(first, Now));
        // A clock set back does not take the epoch back either.
        Assert.Equal(first + 2, RouteTableEpoch.Next(first + 1, Now.AddDays(-30)));
    }

    [Fact]
    public void Epochs_leave_room_for_versions_for_decades()
    {
        var epoch = RouteTableEpoch.Next(0, new DateTimeOffset(2090, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.True((epoch << 32) + uint.MaxValue > 0);
    }

    [Fact]
    public void A_delta_from_a_lower_epoch_is_a_gap_not_old_news()
    {
        var high = new RouteTableState(50L << 32);
        var replica = RouteTableReplica.FromSnapshot(high.Snapshot()).Apply(high.UpsertApp(App("a")))!;

        var low = new RouteTableState(40L << 32);
        var delta = low.UpsertApp(App("b"));
        Assert.Null(replica.Apply(delta));
        // Within the replica's own epoch an older delta is still just one it has.
        Assert.Same(replica, replica.Apply(new RouteDelta((50L << 32) + 1, RouteChangeKind.AppRemoved, "a", null, null, null)));
    }

    [Fact]
    public void A_lower_epoch_snapshot_replaces_the_table()
    {
        var high = new RouteTableState(50L << 32);
        high.UpsertApp(App("gone"));
        var replica = RouteTableReplica.FromSnapshot(high.Snapshot());

        var low = new RouteTableState(40L << 32);
        low.UpsertApp(App("restored"));
        var next = replica.Apply(low.ChangesSince(replica.Version));
        Assert.NotNull(next);
        Assert.Equal(low.Version, next.Version);
        Assert.Equal(["restored"], next.Apps.Keys);
    }

    [Fact]
    public void A_replica_round_trips_through_its_snapshot()
    {
        var table = new RouteTableState(7L << 32);
        table.UpsertApp(App("a"));
        table.UpsertInstance(new InstanceRoute("i1", "a", "ams", "127.0.0.1:1", InstanceState.Started, InstanceHealth.Passing, "fdaa::2"));
        var replica = RouteTableReplica.FromSnapshot(table.Snapshot());
        var again = RouteTableReplica.FromSnapshot(replica.ToSnapshot());
        Assert.Equal(replica.Version, again.Version);
        Assert.Equal(replica.Apps, again.Apps);
        Assert.Equal(replica.Instances, again.Instances);
    }
}
