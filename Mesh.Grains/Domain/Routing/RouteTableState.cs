using System.Collections.Immutable;
using Mesh.Interfaces.Model;

namespace Mesh.Domain.Routing;

/// <summary>
/// The route table as the publishing grain holds it: apps and instances, a version that grows
/// by one per change, and the most recent deltas so that a subscriber that missed a few pushes
/// can catch up without a full snapshot. Pure: no Orleans, no clock.
/// </summary>
public sealed class RouteTableState
{
    private readonly Dictionary<string, AppRoute> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InstanceRoute> _instances = new(StringComparer.Ordinal);
    private readonly Queue<RouteDelta> _recent = new();
    private readonly int _keep;
    private RouteSnapshot? _snapshot;

    /// <param name="baseVersion">The version before the first change (a new epoch starts above every earlier version).</param>
    /// <param name="keep">How many deltas to keep for catch-up.</param>
    public RouteTableState(long baseVersion, int keep = 1024)
    {
        Version = baseVersion;
        _keep = keep;
    }

    public long Version { get; private set; }

    public int AppCount => _apps.Count;

    public int InstanceCount => _instances.Count;

    /// <summary>Loads an app and its instances without producing deltas (used while rebuilding).</summary>
    public void Load(AppRoute app, IEnumerable<InstanceRoute> instances)
    {
        _apps[app.App] = app;
        foreach (var i in instances)
        {
            _instances[i.Id] = i;
        }
        _snapshot = null;
    }

    public RouteDelta UpsertApp(AppRoute app)
    {
        _apps[app.App] = app;
        return Record(RouteChangeKind.AppUpserted, app.App, app, null, null);
    }

    public RouteDelta RemoveApp(string app)
    {
        _apps.Remove(app);
        foreach (var id in _instances.Values.Where(i => i.App == app).Select(i => i.Id).ToList())
        {
            _instances.Remove(id);
        }
        return Record(RouteChangeKind.AppRemoved, app, null, null, null);
    }

    public RouteDelta UpsertInstance(InstanceRoute instance)
    {
        _instances[instance.Id] = instance;
        return Record(RouteChangeKind.InstanceUpserted, instance.App, null, instance, instance.Id);
    }

    public RouteDelta RemoveInstance(string app, string instanceId)
    {
        _instances.Remove(instanceId);
        return Record(RouteChangeKind.InstanceRemoved, app, null, null, instanceId);
    }

    public RouteSnapshot Snapshot() => _snapshot ??= new RouteSnapshot(
        Version,
        [.. _apps.Values.OrderBy(a => a.App, StringComparer.Ordinal)],
        [.. _instances.Values.OrderBy(i => i.App, StringComparer.Ordinal).ThenBy(i => i.Id, StringComparer.Ordinal)]);

    /// <summary>The deltas after <paramref name="version"/>, or a snapshot when some are no longer held.</summary>
    public RouteChanges ChangesSince(long version)
    {
        if (version == Version)
        {
            return new RouteChanges(Version, [], null);
        }
        var oldest = _recent.Count == 0 ? Version + 1 : _recent.Peek().Version;
        if (version > Version || version < oldest - 1)
        {
            return new RouteChanges(Version, [], Snapshot());
        }
        return new RouteChanges(Version, [.. _recent.Where(d => d.Version > version)], null);
    }

    private RouteDelta Record(RouteChangeKind kind, string app, AppRoute? route, InstanceRoute? instance, string? instanceId)
    {
        Version++;
        _snapshot = null;
        var delta = new RouteDelta(Version, kind, app, route, instance, instanceId);
        _recent.Enqueue(delta);
        while (_recent.Count > _keep)
        {
            _recent.Dequeue();
        }
        return delta;
    }
}
