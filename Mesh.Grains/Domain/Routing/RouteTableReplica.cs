using System.Collections.Immutable;
using Mesh.Interfaces.Model;

namespace Mesh.Domain.Routing;

/// <summary>
/// A subscriber's copy of the route table: starts from a snapshot, applies deltas in version
/// order, and reports a gap (a missed one-way push, or a new epoch after the publisher
/// reactivated) so the caller can resync. Immutable: every change returns a new replica, so a
/// reader holding one never sees it half-updated.
/// </summary>
public sealed class RouteTableReplica
{
    private RouteTableReplica(long version, ImmutableDictionary<string, AppRoute> apps, ImmutableDictionary<string, InstanceRoute> instances)
    {
        Version = version;
        Apps = apps;
        Instances = instances;
    }

    public static RouteTableReplica Empty { get; } = new(0, ImmutableDictionary.Create<string, AppRoute>(StringComparer.Ordinal), ImmutableDictionary.Create<string, InstanceRoute>(StringComparer.Ordinal));

    public long Version { get; }

    public ImmutableDictionary<string, AppRoute> Apps { get; }

    /// <summary>Instances by id.</summary>
    public ImmutableDictionary<string, InstanceRoute> Instances { get; }

    public static RouteTableReplica FromSnapshot(RouteSnapshot snapshot) => new(
        snapshot.Version,
        snapshot.Apps.ToImmutableDictionary(a => a.App, StringComparer.Ordinal),
        snapshot.Instances.ToImmutableDictionary(i => i.Id, StringComparer.Ordinal));

    /// <summary>
    /// Applies one delta. Returns the same replica for a delta it already has, and null when the
    /// delta does not follow this version (a gap: resync). A delta from a lower epoch than this
    /// replica's is a publisher that restarted below it (restored from a backup, a clock set
    /// back): not old news but a new table, so it is a gap too.
    /// </summary>
    public RouteTableReplica? Apply(RouteDelta delta)
    {
        if (EpochOf(delta.Version) < EpochOf(Version))
        {
            return null;
        }
        if (delta.Version <= Version)
        {
            return this;
        }
        if (delta.Version != Version + 1)
        {
            return null;
        }
        var apps = Apps;
        var instances = Instances;
        switch (delta.Kind)
        {
            case RouteChangeKind.AppUpserted when delta.AppRoute is not null:
                apps = apps.SetItem(delta.App, delta.AppRoute);
                break;
            case RouteChangeKind.AppRemoved:
                apps = apps.Remove(delta.App);
                instances = instances.RemoveRange(instances.Values.Where(i => i.App == delta.App).Select(i => i.Id));
                break;
            case RouteChangeKind.InstanceUpserted when delta.Instance is not null:
                instances = instances.SetItem(delta.Instance.Id, delta.Instance);
                break;
            case RouteChangeKind.InstanceRemoved when delta.InstanceId is not null:
                instances = instances.Remove(delta.InstanceId);
                break;
        }
        return new RouteTableReplica(delta.Version, apps, instances);
    }

    /// <summary>
    /// Applies a batch of changes (deltas, or a snapshot that replaces everything, whatever its
    /// version: a lower epoch is the publisher's table now); null on a gap.
    /// </summary>
    public RouteTableReplica? Apply(RouteChanges changes)
    {
        if (changes.Snapshot is not null)
        {
            return FromSnapshot(changes.Snapshot);
        }
        RouteTableReplica? current = this;
        foreach (var d in changes.Deltas)
        {
            current = current.Apply(d);
            if (current is null)
            {
                return null;
            }
        }
        return current;
    }

    /// <summary>The same version without some instances (a gateway's view after its own policy).</summary>
    public RouteTableReplica WithoutInstances(IEnumerable<string> ids) => new(Version, Apps, Instances.RemoveRange(ids));

    /// <summary>The replica as a snapshot (what a gateway keeps on disk).</summary>
    public RouteSnapshot ToSnapshot() => new(
        Version,
        [.. Apps.Values.OrderBy(a => a.App, StringComparer.Ordinal)],
        [.. Instances.Values.OrderBy(i => i.App, StringComparer.Ordinal).ThenBy(i => i.Id, StringComparer.Ordinal)]);

    /// <summary>Versions are <c>epoch &lt;&lt; 32 | n</c>: the publisher's activation, then its changes.</summary>
    public static long EpochOf(long version) => version >> 32;

    public IEnumerable<InstanceRoute> InstancesOf(string app) => Instances.Values.Where(i => i.App == app);
}
